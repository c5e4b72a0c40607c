import { JSONResolver } from 'graphql-scalars';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { CallRecord, CallRecordConnection, callQueries } from './calls/resolvers.js';
import { DateTime } from './shared/date-time.js';

/** All resolvers, merged explicitly by domain. */
export const resolvers: Resolvers = {
  DateTime,
  JSON: JSONResolver,
  Query: {
    ...callQueries,
  },
  CallRecord,
  CallRecordConnection,
};

import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { CallRecord, CallRecordConnection, callQueries } from './calls/resolvers.js';

/** All resolvers, merged explicitly by domain. */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: {
    ...callQueries,
  },
  CallRecord,
  CallRecordConnection,
};

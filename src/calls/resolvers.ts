import type { CallRecordConnectionResolvers, CallRecordResolvers, QueryResolvers } from '../__generated__/resolvers-types.js';
import { responsePathAsArray } from 'graphql';
import { reportUnreadableRows } from '../partial-errors.js';
import { badUserInput } from '../upstream/errors.js';
import type { CallsApi } from './api.js';
import { resolveConnection } from './connection.js';

// Printable characters only: control characters are never part of a call id.
const CALL_ID = /^[^\p{Cc}]{1,128}$/u;

function checkCallId(callId: string, argumentName: string): string {
  if (!CALL_ID.test(callId) || callId.trim() === '')
    throw badUserInput(`${argumentName} must be a non-empty call id of at most 128 printable characters.`, argumentName);
  return callId;
}

export const callQueries: Pick<QueryResolvers, 'callRecords' | 'callRecord' | 'callRecordsByCallIds'> = {
  async callRecords(_parent, args, ctx, info) {
    let unreadable = 0;
    const api: CallsApi = {
      async listCallRecords(params) {
        const page = await ctx.calls.api.listCallRecords(params);
        unreadable += page.unreadable?.length ?? 0;
        return page;
      },
    };
    const connection = await resolveConnection(api, args, ctx.calls.connectionOptions);
    if (unreadable > 0) reportUnreadableRows(ctx, responsePathAsArray(info.path), unreadable);
    ctx.calls.loaders.primeFromList(connection.nodes);
    return connection;
  },
  callRecord(_parent, { callId }, ctx) {
    return ctx.calls.loaders.callById.load(checkCallId(callId, 'callId'));
  },
  callRecordsByCallIds(_parent, { callIds }, ctx) {
    const max = ctx.calls.connectionOptions.maxPageSize;
    if (callIds.length > max) throw badUserInput(`callIds may hold at most ${max} ids.`, 'callIds');
    for (const id of callIds) checkCallId(id, 'callIds');
    // Errors come back in place (graphql-js turns an Error item into a null with its own errors[].path).
    return ctx.calls.loaders.callById.loadMany(callIds) as never;
  },
};

export const CallRecord: CallRecordResolvers = {
  __resolveReference(reference, ctx) {
    return ctx.calls.loaders.callById.load(checkCallId(String(reference.callId), 'callId'));
  },
};

export const CallRecordConnection: CallRecordConnectionResolvers = {
  // Lazy: an extra upstream request is made only when a client selects it on a page that needs one.
  totalCount: (connection) => connection.totalCount(),
};

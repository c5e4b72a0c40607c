import type { CallFlowEvent, CallRecord } from '../__generated__/resolvers-types.js';

/**
 * What resolvers hand to graphql-js: a call record already in its GraphQL shape. The upstream record is mapped
 * once, at the boundary (see mapper.ts), so every field is served by graphql-js' default resolver; no field
 * resolver re-derives a value per query.
 */
export type CallFlowEventModel = Omit<CallFlowEvent, '__typename'>;

export type CallRecordModel = Omit<CallRecord, '__typename' | 'callFlow'> & {
  callFlow: CallFlowEventModel[];
};

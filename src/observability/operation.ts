import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Context } from '../context.js';

/** How an operation ended, as logs and metrics report it. */
export type Outcome = 'success' | 'partial' | 'error';

/** `success`: no errors; `partial`: data with errors; `error`: no data (request error or failed root field). */
export function outcomeOf(rc: GraphQLRequestContextWillSendResponse<Context>): Outcome {
  if (!rc.errors?.length) {
    const body = rc.response.body;
    if (body.kind !== 'single' || !body.singleResult.errors?.length) return 'success';
  }
  const body = rc.response.body;
  const data = body.kind === 'single' ? body.singleResult.data : body.initialResult.data;
  return data && Object.values(data).some((v) => v !== null) ? 'partial' : 'error';
}

/** Distinct `extensions.code` values of the errors an operation returned, sorted. */
export function errorCodesOf(rc: GraphQLRequestContextWillSendResponse<Context>): string[] {
  const codes = new Set<string>();
  for (const e of rc.errors ?? []) {
    const code = e.extensions?.code;
    codes.add(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
  }
  return [...codes].sort();
}

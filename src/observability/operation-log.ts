import type { ApolloServerPlugin } from '@apollo/server';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context } from '../context.js';
import { errorCodesOf, outcomeOf } from './operation.js';

/**
 * One log line per GraphQL operation: correlation ids, operation name and type, duration, upstream requests
 * made and error codes. Never the query text, variables or result (they may hold phone numbers or URLs with
 * tokens). The request id is echoed in the `x-request-id` response header.
 */
export function operationLogPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart(started) {
      const start = process.hrtime.bigint();
      started.response.http.headers.set('x-request-id', started.contextValue.requestId);
      return {
        async willSendResponse(rc) {
          const ctx = rc.contextValue;
          const errorCodes = errorCodesOf(rc);
          const outcome = outcomeOf(rc);
          // With tracing on, the operation span's trace id (the caller's, or a new trace) ties logs to traces.
          const span = trace.getActiveSpan()?.spanContext();
          const traceId = span && isSpanContextValid(span) ? span.traceId : ctx.traceId;
          const line = {
            ...(traceId ? { traceId } : {}),
            operationName: rc.operationName ?? null,
            operationType: rc.operation?.operation ?? null,
            outcome,
            durationMs: Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100,
            upstreamRequests: ctx.stats.upstreamRequests,
            ...(errorCodes.length ? { errorCodes } : {}),
          };
          if (outcome === 'success') ctx.logger.info(line, 'graphql operation');
          else ctx.logger.warn(line, 'graphql operation');
        },
      };
    },
  };
}

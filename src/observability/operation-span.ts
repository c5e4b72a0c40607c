import type { ApolloServerPlugin } from '@apollo/server';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type express from 'express';
import type { Context } from '../context.js';
import { errorCodesOf, outcomeOf } from './operation.js';

const tracer = trace.getTracer('cdr-gateway');

/**
 * Starts one SERVER span per GraphQL request, continuing the caller's W3C trace context, and makes it the
 * active span while the operation runs so upstream spans are its children. Without a registered SDK the
 * API is a no-op and this costs next to nothing.
 */
export function operationSpanMiddleware(): express.RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      'graphql',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.baseUrl || req.path } },
      parent,
    );
    // Normally ended by operationSpanPlugin before the response is written; this covers requests Apollo
    // rejected before any plugin ran.
    res.once('close', () => {
      if (!span.isRecording()) return;
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** Names the active operation span after the operation (`query RecentCalls`), marks failed ones, ends it. */
export function operationSpanPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return {};
      return {
        async didResolveOperation(rc) {
          const type = rc.operation?.operation ?? 'unknown';
          span.updateName(rc.operationName ? `${type} ${rc.operationName}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (rc.operationName) span.setAttribute('graphql.operation.name', rc.operationName);
        },
        async willSendResponse(rc) {
          const codes = errorCodesOf(rc);
          if (codes.length) span.setAttribute('graphql.error.codes', codes);
          span.setAttribute('upstream.requests', rc.contextValue.stats.upstreamRequests);
          if (outcomeOf(rc) !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
          span.setAttribute('http.response.status_code', rc.response.http.status ?? 200);
          span.end();
        },
      };
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();
beforeAll(async () => {
  tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
  await tracing.shutdown();
});

/** Runs `fn` inside a caller span, as an instrumented client would; fetch propagates its context. */
async function asCaller<T>(fn: () => Promise<T>): Promise<{ result: T; traceId: string }> {
  const span = trace.getTracer('test-caller').startSpan('caller');
  try {
    const result = await context.with(trace.setSpan(context.active(), span), fn);
    return { result, traceId: span.spanContext().traceId };
  } finally {
    span.end();
  }
}

const spansOf = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

describe('OpenTelemetry tracing', () => {
  it("continues the caller's trace with one span per operation, and one child span per upstream request", async () => {
    gw.sim.resetRequests();
    const { traceId } = await asCaller(async () =>
      expectData(await gw.gql(`query RecentCalls {
          all: callRecords(first: 150) { totalCount }
          mine: callRecords(first: 1, filter: { callerId: "9876543210" }) { totalCount }
        }`)),
    );
    const spans = spansOf(traceId);
    const operation = spans.find((s) => s.name === 'query RecentCalls');
    expect(operation).toBeDefined();
    expect(operation!.kind).toBe(SpanKind.SERVER);
    expect(operation!.parentSpanContext?.traceId).toBe(traceId);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'RecentCalls', 'graphql.operation.type': 'query' });

    const upstream = spans.filter((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === operation!.spanContext().spanId);
    expect(upstream).toHaveLength(gw.sim.count('/v1/call/records'));
    expect(upstream.length).toBeGreaterThan(2);
    for (const span of upstream) {
      expect(span.attributes['http.response.status_code']).toBe(200);
      // Query strings carry phone numbers and ids: never exported.
      expect(span.attributes['url.full']).toBe(`${gw.sim.url}/v1/call/records`);
      expect(JSON.stringify(span.attributes)).not.toContain('9876543210');
    }
  });

  it('logs the trace id of a new trace when the caller sent none', async () => {
    const from = gw.logs.length;
    const res = await gw.gql(`query Untraced { callRecords(first: 1) { totalCount } }`);
    const line = JSON.parse(gw.logs.slice(from).find((l) => l.includes('"Untraced"'))!) as { traceId?: string };
    const operation = exporter.getFinishedSpans().find((s) => s.name === 'query Untraced');
    expect(res.status).toBe(200);
    expect(line.traceId).toBe(operation!.spanContext().traceId);
  });

  it('marks the operation span as failed with the error codes', async () => {
    gw.sim.fault({ path: '/v1/call/records', status: 503, times: 1 });
    const { traceId } = await asCaller(() => gw.gql(`query Broken { callRecords(first: 1) { totalCount } }`));
    const operation = spansOf(traceId).find((s) => s.name === 'query Broken');
    expect(operation?.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation?.attributes['graphql.error.codes']).toEqual(['UPSTREAM_UNAVAILABLE']);
  });
});

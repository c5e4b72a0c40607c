import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.sim.clearFaults();
  gw.sim.resetRequests();
});

type Line = Record<string, unknown>;
/** The operation lines logged since `from`. */
function operationLines(from: number): Line[] {
  return gw.logs
    .slice(from)
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.msg === 'graphql operation');
}

describe('one log line per GraphQL operation', () => {
  it('names the operation, its outcome, duration and the upstream requests it made, under the caller request id', async () => {
    const from = gw.logs.length;
    const res = await gw.gql(
      `query RecentCalls { callRecords(first: 150) { nodes { callId } } }`,
      {},
      { 'x-request-id': 'req-42.abc' },
    );
    expectData(res);
    expect(res.headers.get('x-request-id')).toBe('req-42.abc');
    const lines = operationLines(from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      requestId: 'req-42.abc',
      operationName: 'RecentCalls',
      operationType: 'query',
      outcome: 'success',
      upstreamRequests: gw.sim.count('/v1/call/records'),
    });
    expect(gw.sim.count('/v1/call/records')).toBeGreaterThan(1);
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(lines[0]).not.toHaveProperty('errorCodes');
  });

  it('takes the request id from a W3C traceparent when no x-request-id is sent', async () => {
    const from = gw.logs.length;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await gw.gql(`{ callRecords(first: 1) { totalCount } }`, {}, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.headers.get('x-request-id')).toBe(traceId);
    expect(operationLines(from)[0]).toMatchObject({ requestId: traceId, traceId, operationName: null });
  });

  it('ignores an x-request-id that does not look like an id, and makes one', async () => {
    const from = gw.logs.length;
    const res = await gw.gql(`{ callRecords(first: 1) { totalCount } }`, {}, { 'x-request-id': 'x'.repeat(300) });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[\da-f-]{36}$/);
    expect(operationLines(from)[0]!.requestId).toBe(id);
  });

  it('reports the error codes of a failed operation at warn level', async () => {
    gw.sim.fault({ path: '/v1/call/records', status: 503 });
    const from = gw.logs.length;
    const res = await gw.gql(`query Failing { callRecords(first: 5) { nodes { callId } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(operationLines(from)[0]).toMatchObject({
      level: 40,
      operationName: 'Failing',
      outcome: 'error',
      errorCodes: ['UPSTREAM_UNAVAILABLE'],
      upstreamRequests: 1,
    });
  });

  it('logs validation failures with their code and no upstream request', async () => {
    const from = gw.logs.length;
    await gw.gql(`query Bad { callRecords(first: 1) { nope } }`);
    expect(operationLines(from)[0]).toMatchObject({ outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'], upstreamRequests: 0 });
  });

  it('never logs credentials, variables, or recording URLs', async () => {
    const from = gw.logs.length;
    const withUrl = gw.sim.records().find((r) => r.recording_url)!;
    await gw.gql(
      `query($id: ID!) { callRecord(callId: $id) { callId recordingUrl } }`,
      { id: withUrl.call_id },
      { authorization: 'Bearer client-secret-123' },
    );
    const logged = gw.logs.slice(from).join('\n');
    expect(logged).toContain('graphql operation');
    expect(logged).not.toContain(withUrl.call_id);
    expect(logged).not.toContain(withUrl.recording_url!);
    expect(logged).not.toContain('client-secret-123');
    expect(logged).not.toContain('demo-token');
  });
});

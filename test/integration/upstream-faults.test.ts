import { afterEach, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

const RECORDS = '/v1/call/records';
const LIST = `{ callRecords(first: 3) { nodes { callId } } }`;

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(env: Record<string, string> = {}) {
  gw = await startGateway({ sim: { records: 50 }, env: { ACEFONE_RETRIES: '2', ACEFONE_TIMEOUT_MS: '2000', ...env } });
  return gw;
}

function codes(res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  return (res.errors ?? []).map((e) => e.extensions?.code);
}

describe('retries', () => {
  it.each([500, 502, 503, 504, 408, 429])('retries a GET answered %i and then serves the data', async (status) => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, status, times: 2 });
    const data = expectData(await gql<{ callRecords: { nodes: unknown[] } }>(LIST));
    expect(data.callRecords.nodes).toHaveLength(3);
    expect(sim.count(RECORDS)).toBe(3);
  });

  it('retries a dropped connection', async () => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, destroy: true, times: 1 });
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(2);
  });

  it('gives up after two retries with the status code of the last failure', async () => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, status: 503 });
    const res = await gql(LIST);
    expect(codes(res)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(sim.count(RECORDS)).toBe(3);
  });

  it.each([
    [403, 'FORBIDDEN'],
    [400, 'UPSTREAM_REJECTED'],
    [404, 'UPSTREAM_REJECTED'],
    [422, 'UPSTREAM_REJECTED'],
  ])('never retries %i', async (status, code) => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, status });
    const res = await gql(LIST);
    expect(codes(res)).toEqual([code]);
    expect(sim.count(RECORDS)).toBe(1);
  });

  it('honours a Retry-After in seconds or as an HTTP date under the cap', async () => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, status: 429, retryAfter: '0', times: 1 });
    sim.fault({ path: RECORDS, status: 503, retryAfter: new Date(Date.now() - 1000).toUTCString(), times: 1 });
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(3);
  });

  it('fails fast on a Retry-After above the cap, and does not call the upstream again before it', async () => {
    const { sim, gql } = await start({ ACEFONE_MAX_RETRY_AFTER_MS: '1000' });
    sim.fault({ path: RECORDS, status: 429, retryAfter: '120', times: 1 });
    const first = await gql(LIST);
    expect(codes(first)).toEqual(['UPSTREAM_RATE_LIMITED']);
    expect(sim.count(RECORDS)).toBe(1);
    const second = await gql(LIST);
    expect(codes(second)).toEqual(['UPSTREAM_RATE_LIMITED']);
    expect(sim.count(RECORDS)).toBe(1);
  });
});

describe('timeouts and deadlines', () => {
  it('times out an attempt whose headers do not come, retrying it', async () => {
    const { sim, gql } = await start({ ACEFONE_TIMEOUT_MS: '500' });
    sim.fault({ path: RECORDS, delayMs: 5000, times: 1 });
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(2);
  });

  it('bounds a body that stalls after its headers', async () => {
    const { sim, gql } = await start({ ACEFONE_RETRIES: '0', ACEFONE_TIMEOUT_MS: '500' });
    sim.fault({ path: RECORDS, stallBodyMs: 30_000 });
    const res = await gql(LIST);
    expect(codes(res)).toEqual(['UPSTREAM_TIMEOUT']);
  });

  it('retries an attempt whose body stalled, and serves the data', async () => {
    const { sim, gql } = await start({ ACEFONE_RETRIES: '1', ACEFONE_TIMEOUT_MS: '500' });
    sim.fault({ path: RECORDS, stallBodyMs: 30_000, times: 1 });
    const res = await gql(LIST);
    expect(codes(res)).toEqual([]);
    expect(sim.count(RECORDS)).toBe(2);
  });

  it('stops retrying at the request deadline', async () => {
    // Attempts time out at 500 ms; the deadline (800 ms) falls inside the second attempt, so no third is made.
    const { sim, gql } = await start({ ACEFONE_TIMEOUT_MS: '500', ACEFONE_DEADLINE_MS: '800' });
    sim.fault({ path: RECORDS, delayMs: 5000 });
    const res = await gql(LIST);
    expect(codes(res)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(sim.count(RECORDS)).toBe(2);
  });
});

describe('response checks', () => {
  it.each([
    ['an HTML page with status 200', { body: '<html><body>Maintenance</body></html>', contentType: 'text/html' }],
    ['malformed JSON', { body: '{"count": 3, "results": [', contentType: 'application/json' }],
    ['JSON of the wrong shape', { wrongShape: true }],
    ['a JSON body sent as text/plain', { contentType: 'text/plain' }],
  ])('turns %s into UPSTREAM_BAD_RESPONSE without echoing it, and does not retry', async (_name, fault) => {
    const { sim, gql } = await start();
    sim.fault({ path: RECORDS, ...fault });
    const res = await gql(LIST);
    expect(codes(res)).toEqual(['UPSTREAM_BAD_RESPONSE']);
    expect(JSON.stringify(res.errors)).not.toMatch(/Maintenance|count|results|html/i);
    expect(sim.count(RECORDS)).toBe(1);
  });

  it('refuses a body over the size cap', async () => {
    const { sim, gql } = await start({ ACEFONE_MAX_BODY_BYTES: '4096' });
    const small = await gql(`{ callRecord(callId: "${sim.records()[0]!.call_id}") { callId } }`);
    expect(codes(small)).toEqual([]);
    const big = await gql(`{ callRecords(first: 50) { nodes { callId } } }`);
    expect(codes(big)).toEqual(['UPSTREAM_BAD_RESPONSE']);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast without calling the upstream, and a probe closes it', async () => {
    const { sim, gql } = await start({ ACEFONE_RETRIES: '0', ACEFONE_BREAKER_THRESHOLD: '3', ACEFONE_BREAKER_RESET_MS: '200' });
    sim.fault({ path: RECORDS, status: 502, times: 3 });
    for (let i = 0; i < 3; i++) expect(codes(await gql(LIST))).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(sim.count(RECORDS)).toBe(3);

    const open = await gql(LIST);
    expect(codes(open)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(sim.count(RECORDS)).toBe(3);

    await new Promise((r) => setTimeout(r, 300));
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(4);
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(5);
  });

  it('does not count 4xx answers as failures', async () => {
    const { sim, gql } = await start({ ACEFONE_RETRIES: '0', ACEFONE_BREAKER_THRESHOLD: '2' });
    sim.fault({ path: RECORDS, status: 422, times: 3 });
    for (let i = 0; i < 3; i++) expect(codes(await gql(LIST))).toEqual(['UPSTREAM_REJECTED']);
    expectData(await gql(LIST));
    expect(sim.count(RECORDS)).toBe(4);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(gw: TestGateway): Promise<Sample[]> {
  const res = await fetch(gw.url.replace(/\/graphql$/, '/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const samples: Sample[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Value of the sample with exactly these labels (0 when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const hit = samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want);
  return hit?.value ?? 0;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ env: { ACEFONE_RETRIES: '2' } });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.sim.clearFaults();
  gw.sim.resetRequests();
});

describe('Prometheus metrics at GET /metrics', () => {
  it('counts operations by name and outcome, their latency, and the upstream requests they made', async () => {
    const before = await scrape(gw);
    expectData(await gw.gql(`query RecentCalls { callRecords(first: 150) { nodes { callId } } }`));
    const after = await scrape(gw);
    const op = { operation: 'RecentCalls', type: 'query' };
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('cdr_gateway_graphql_operations_total', { ...op, outcome: 'success' })).toBe(1);
    expect(delta('cdr_gateway_graphql_operation_duration_seconds_count', op)).toBe(1);
    const upstream = gw.sim.count('/v1/call/records');
    expect(upstream).toBeGreaterThan(1);
    expect(delta('cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '200' })).toBe(upstream);
    expect(delta('cdr_gateway_upstream_request_duration_seconds_count', { endpoint: 'call_records' })).toBe(upstream);
    expect(value(after, 'cdr_gateway_graphql_operations_in_flight')).toBe(0);
    expect(value(after, 'cdr_gateway_upstream_requests_in_flight')).toBe(0);
    expect(value(after, 'cdr_gateway_upstream_circuit_state', { state: 'closed' })).toBe(1);
    expect(value(after, 'cdr_gateway_upstream_circuit_state', { state: 'open' })).toBe(0);
  });

  it('counts retries by the status retried, and failed operations by error code', async () => {
    const before = await scrape(gw);
    gw.sim.fault({ path: '/v1/call/records', status: 429, retryAfter: '0', times: 1 });
    expectData(await gw.gql(`query Retried { callRecords(first: 1) { nodes { callId } } }`));
    gw.sim.fault({ path: '/v1/call/records', status: 503, times: 3 });
    await gw.gql(`query Broken { callRecords(first: 1) { nodes { callId } } }`);
    const after = await scrape(gw);
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '429' })).toBe(1);
    expect(delta('cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '503' })).toBe(3);
    // 1 retry after the 429, then 2 retries of the 503 before giving up.
    expect(delta('cdr_gateway_upstream_retries_total', { reason: '429' })).toBe(1);
    expect(delta('cdr_gateway_upstream_retries_total', { reason: '503' })).toBe(2);
    expect(delta('cdr_gateway_graphql_operations_total', { operation: 'Retried', type: 'query', outcome: 'success' })).toBe(1);
    expect(delta('cdr_gateway_graphql_operations_total', { operation: 'Broken', type: 'query', outcome: 'error' })).toBe(1);
    expect(delta('cdr_gateway_graphql_errors_total', { code: 'UPSTREAM_UNAVAILABLE' })).toBe(1);
  });

  it('reports DataLoader batch sizes', async () => {
    const before = await scrape(gw);
    const ids = gw.sim.records().slice(0, 3).map((r) => r.call_id);
    expectData(await gw.gql(`query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`, { ids: [...ids, ids[0]] }));
    const after = await scrape(gw);
    const labels = { loader: 'call_by_id' };
    expect(value(after, 'cdr_gateway_dataloader_batch_size_count', labels) - value(before, 'cdr_gateway_dataloader_batch_size_count', labels)).toBe(1);
    expect(value(after, 'cdr_gateway_dataloader_batch_size_sum', labels) - value(before, 'cdr_gateway_dataloader_batch_size_sum', labels)).toBe(3);
  });

  it('reports record cache hits and misses, and single-flight leads', async () => {
    const ids = gw.sim
      .records()
      .slice(500, 503)
      .map((r) => r.call_id);
    const lookup = `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`;
    const s0 = await scrape(gw);
    expectData(await gw.gql(lookup, { ids }));
    const s1 = await scrape(gw);
    expectData(await gw.gql(lookup, { ids }));
    const s2 = await scrape(gw);
    const delta = (a: Sample[], b: Sample[], name: string, labels: Record<string, string>) => value(b, name, labels) - value(a, name, labels);
    expect(delta(s0, s1, 'cdr_gateway_cache_lookups_total', { cache: 'records', result: 'miss' })).toBe(3);
    expect(delta(s0, s1, 'cdr_gateway_single_flight_total', { read: 'lookup', result: 'led' })).toBe(3);
    // The second request is served from the cross-request cache: no upstream request, no flight to join.
    expect(delta(s1, s2, 'cdr_gateway_cache_lookups_total', { cache: 'records', result: 'hit' })).toBe(3);
    expect(delta(s1, s2, 'cdr_gateway_single_flight_total', { read: 'lookup', result: 'led' })).toBe(0);
    expect(delta(s1, s2, 'cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '200' })).toBe(0);
  });

  it('never puts ids, numbers or tokens in labels, whatever clients send', async () => {
    const record = gw.sim.records()[0]!;
    await gw.gql(`query Op1714657799 { callRecord(callId: "${record.call_id}") { callId recordingUrl } }`);
    await gw.gql(`query { callRecord(callId: "${record.call_id}") { callId } }`);
    await gw.gql(`{ nope }`);
    for (let i = 0; i < 5; i++) await gw.gql(`query Unique${'x'.repeat(i)}Name { __typename }`);
    const samples = (await scrape(gw)).filter((s) => s.name.startsWith('cdr_gateway_'));
    for (const s of samples)
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le') continue;
        if (label === 'status' || (label === 'reason' && s.name.includes('retries')))
          expect(v).toMatch(/^(\d{3}|\dxx|timeout|network_error|other)$/);
        else expect(v).toMatch(/^[A-Za-z_]+$/);
      }
    const operations = new Set(samples.filter((s) => s.name === 'cdr_gateway_graphql_operations_total').map((s) => s.labels.operation));
    expect([...operations]).toEqual(expect.arrayContaining(['other', 'anonymous', 'unknown', 'UniquexxName']));
    expect([...operations]).not.toContain('Op1714657799');
  });
});

describe('the upstream guard in metrics', () => {
  it('shows limiter waits when the credential is over its rate', async () => {
    const limited = await startGateway({ env: { ACEFONE_RATE_LIMIT: '1' } });
    try {
      // 150 records at 100 per upstream page: two upstream requests, the second one second later.
      expectData(await limited.gql(`{ callRecords(first: 150) { nodes { callId } } }`));
      const samples = await scrape(limited);
      expect(value(samples, 'cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '200' })).toBe(2);
      expect(value(samples, 'cdr_gateway_upstream_rate_limit_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('shows the circuit opening and the requests it rejects', async () => {
    const fragile = await startGateway({ env: { ACEFONE_BREAKER_THRESHOLD: '1' } });
    try {
      fragile.sim.fault({ path: '/v1/call/records', status: 503 });
      await fragile.gql(`{ callRecords(first: 1) { totalCount } }`);
      await fragile.gql(`{ callRecords(first: 1) { totalCount } }`);
      const samples = await scrape(fragile);
      expect(value(samples, 'cdr_gateway_upstream_circuit_state', { state: 'open' })).toBe(1);
      expect(value(samples, 'cdr_gateway_upstream_circuit_state', { state: 'closed' })).toBe(0);
      expect(value(samples, 'cdr_gateway_upstream_rejected_total', { reason: 'breaker_open' })).toBeGreaterThanOrEqual(1);
      expect(value(samples, 'cdr_gateway_upstream_requests_total', { endpoint: 'call_records', status: '503' })).toBe(1);
    } finally {
      await fragile.close();
    }
  });
});

describe('METRICS_ENABLED=false', () => {
  it('serves no /metrics', async () => {
    const off = await startGateway({ env: { METRICS_ENABLED: 'false' } });
    try {
      expect((await fetch(off.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

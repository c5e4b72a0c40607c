import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * No argument can change the upstream host, path or parameters: whatever a client sends, the simulator sees
 * only GET /v1/call/records with the gateway's own parameter names, each value exactly as given (or nothing,
 * when the gateway refuses the argument).
 */

const ALLOWED = new Set([
  'page', 'limit', 'call_id', 'from_date', 'to_date', 'callerid', 'destination', 'did_number', 'direction', 'call_type',
  'duration', 'operator', 'services', 'broadcast', 'agents[]', 'department[]', 'ivr[]',
]);

const PAYLOADS = [
  'x&limit=100000&page=7',
  'x%26limit%3D100000',
  'x\r\nHost: evil.example\r\n\r\n',
  '../../v1/auth/login?',
  '/../admin#frag',
  'a'.repeat(10 * 1024),
];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 20 } });
});
afterAll(() => gw.close());

const QUERIES: Array<[string, string, (v: string) => Record<string, unknown>]> = [
  ['callRecord(callId)', `query($v: ID!) { callRecord(callId: $v) { callId } }`, (v) => ({ v })],
  ['callRecordsByCallIds(callIds)', `query($v: ID!) { callRecordsByCallIds(callIds: [$v]) { callId } }`, (v) => ({ v })],
  ['_entities(representations)', `query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId } } }`, (v) => ({ r: [{ __typename: 'CallRecord', callId: v }] })],
  ...(['callerId', 'destination', 'didNumber', 'callId'] as const).map(
    (f): [string, string, (v: string) => Record<string, unknown>] => [
      `filter.${f}`,
      `query($f: CallRecordFilter) { callRecords(first: 2, filter: $f) { nodes { callId } } }`,
      (v) => ({ f: { [f]: v } }),
    ],
  ),
  ...(['agentIds', 'departmentIds', 'ivrIds', 'services'] as const).map(
    (f): [string, string, (v: string) => Record<string, unknown>] => [
      `filter.${f}`,
      `query($f: CallRecordFilter) { callRecords(first: 2, filter: $f) { nodes { callId } } }`,
      (v) => ({ f: { [f]: [v] } }),
    ],
  ),
  ['after', `query($v: String) { callRecords(first: 2, after: $v) { nodes { callId } } }`, (v) => ({ v })],
  ['before', `query($v: String) { callRecords(last: 2, before: $v) { nodes { callId } } }`, (v) => ({ v })],
];

describe.each(QUERIES)('%s', (_name, query, vars) => {
  it.each(PAYLOADS.map((p) => [JSON.stringify(p.slice(0, 30)), p]))('cannot steer the upstream request with %s', async (_label, payload) => {
    gw.sim.resetRequests();
    const res = await gw.gql(query, vars(payload));
    expect(res.status).toBeLessThan(500);
    for (const e of res.errors ?? []) expect(e.message).not.toContain(payload.slice(0, 40));
    for (const req of gw.sim.requests) {
      expect(req.method).toBe('GET');
      expect(req.path).toBe('/v1/call/records');
      const keys = [...req.params.keys()];
      for (const k of keys) expect(ALLOWED).toContain(k);
      expect(keys.filter((k) => k === 'limit' || k === 'page')).toHaveLength(keys.includes('limit') ? 2 : 0);
      expect(Number(req.params.get('limit') ?? 1)).toBeLessThanOrEqual(1000);
      // The value travels whole, or not at all.
      const values = [...req.params.values()];
      const carried = values.filter((v) => v.includes(payload.slice(0, 8)));
      for (const v of carried) expect(payload.includes(v) || v.includes(payload)).toBe(true);
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 300 } });
});
afterAll(() => gw.close());
beforeEach(() => gw.sim.resetRequests());

const LIST = `query($filter: CallRecordFilter, $first: Int) {
  callRecords(filter: $filter, first: $first) { totalCount nodes { callId } }
}`;

/** The query string the simulator received for the (single) records request. */
function received(): URLSearchParams {
  const reqs = gw.sim.requests.filter((r) => r.path === RECORDS_PATH);
  expect(reqs).toHaveLength(1);
  return reqs[0]!.params;
}

describe('every filter reaches the upstream with its exact wire encoding', () => {
  it('sends all of them together, dates converted into the account zone', async () => {
    const filter = {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T06:30:00+01:00',
      agentIds: ['050109590016', '050109590017'],
      departmentIds: ['11'],
      ivrIds: ['21', '22'],
      callType: 'MISSED',
      callerId: '+919812345678',
      destination: '+918069858731',
      direction: 'INBOUND',
      duration: { operator: 'GTE', seconds: 30 },
      services: ['Agent', 'IVR'],
      broadcast: false,
      didNumber: '+918069858731',
      callId: '1714657799.11930963',
    };
    const res = await gw.gql(LIST, { filter, first: 5 });
    expect(res.errors).toBeUndefined();
    const p = received();
    expect(p.get('from_date')).toBe('2026-11-01 05:30:00');
    expect(p.get('to_date')).toBe('2026-11-02 11:00:00');
    expect(p.getAll('agents[]')).toEqual(['agent|050109590016', 'agent|050109590017']);
    expect(p.getAll('department[]')).toEqual(['11']);
    expect(p.getAll('ivr[]')).toEqual(['21', '22']);
    expect(p.get('call_type')).toBe('m');
    expect(p.get('callerid')).toBe('+919812345678');
    expect(p.get('destination')).toBe('+918069858731');
    expect(p.get('direction')).toBe('inbound');
    expect(p.get('duration')).toBe('30');
    expect(p.get('operator')).toBe('>=');
    expect(p.get('services')).toBe('Agent,IVR');
    expect(p.get('broadcast')).toBe('false');
    expect(p.get('did_number')).toBe('+918069858731');
    expect(p.get('call_id')).toBe('1714657799.11930963');
    expect(p.get('limit')).toBe('5');
    expect(p.get('page')).toBe('1');
  });

  it('returns what the upstream returns for an agent filter (PHP arrays reach it as arrays)', async () => {
    const agentCall = gw.sim.records().find((r) => r.call_flow?.some((e) => e.type === 'Agent' && typeof e.id === 'string'))!;
    const agentId = agentCall.call_flow!.find((e) => e.type === 'Agent' && typeof e.id === 'string')!.id as string;
    const data = expectData(await gw.gql<{ callRecords: { totalCount: number; nodes: Array<{ callId: string }> } }>(LIST, { filter: { agentIds: [agentId] }, first: 500 }));
    expect(data.callRecords.totalCount).toBeGreaterThan(0);
    expect(data.callRecords.totalCount).toBeLessThan(gw.sim.records().length);
    expect(data.callRecords.nodes.map((n) => n.callId)).toContain(agentCall.call_id);
  });

  it('cannot add, change or smuggle parameters through any string argument', async () => {
    const hostile = ['a&call_id=1', 'a%26limit=1000', 'a\r\nX-Injected: 1', '../../v1/auth/login', 'é#frag=1?x=/'];
    for (const value of hostile) {
      gw.sim.resetRequests();
      const res = await gw.gql(LIST, {
        first: 1,
        filter: { callerId: value, destination: value, didNumber: value, agentIds: [value], services: [value.replace(/,/g, '')] },
      });
      expect(res.errors).toBeUndefined();
      const req = gw.sim.requests.find((r) => r.path === RECORDS_PATH)!;
      expect(req.path).toBe(RECORDS_PATH);
      expect([...new Set(req.params.keys())].sort()).toEqual(['agents[]', 'callerid', 'destination', 'did_number', 'limit', 'page', 'services']);
      expect(req.params.get('callerid')).toBe(value);
      expect(req.params.get('limit')).toBe('1');
    }
  });

  it('refuses 10 KB filter values before any upstream call', async () => {
    const res = await gw.gql(LIST, { first: 1, filter: { callerId: 'x'.repeat(10_240) } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter' });
    expect(res.errors?.[0]?.message).toBe('filter.callerId must be at most 256 characters.');
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });
});

describe('records that share one start second', () => {
  it('are each handed out exactly once, forward and backward, whatever the page size', async () => {
    const second = Math.floor(Date.parse('2026-11-19T10:00:00Z') / 1000);
    const burst = Array.from({ length: 7 }, () => gw.sim.addCall({ startEpoch: second }).call_id);
    const filter = { from: '2026-11-19T09:59:59Z', to: '2026-11-19T10:00:01Z' };
    const truth = gw.sim.records().filter((r) => burst.includes(r.call_id) || (r.date === '2026-11-19' && r.time! >= '15:29:59' && r.time! <= '15:30:01')).map((r) => r.call_id);
    for (const size of [1, 2, 3]) {
      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 30; i++) {
        const page: { callRecords: { nodes: Array<{ callId: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } = expectData(
          await gw.gql(`query($f: CallRecordFilter, $n: Int, $a: String) { callRecords(filter: $f, first: $n, after: $a) { nodes { callId } pageInfo { hasNextPage endCursor } } }`, { f: filter, n: size, a: after }),
        );
        forward.push(...page.callRecords.nodes.map((n) => n.callId));
        if (!page.callRecords.pageInfo.hasNextPage) break;
        after = page.callRecords.pageInfo.endCursor;
      }
      expect(forward).toEqual(truth);
      const backward: string[][] = [];
      let before: string | null = null;
      for (let i = 0; i < 30; i++) {
        const page: { callRecords: { nodes: Array<{ callId: string }>; pageInfo: { hasPreviousPage: boolean; startCursor: string } } } = expectData(
          await gw.gql(`query($f: CallRecordFilter, $n: Int, $b: String) { callRecords(filter: $f, last: $n, before: $b) { nodes { callId } pageInfo { hasPreviousPage startCursor } } }`, { f: filter, n: size, b: before }),
        );
        backward.unshift(page.callRecords.nodes.map((n) => n.callId));
        if (!page.callRecords.pageInfo.hasPreviousPage) break;
        before = page.callRecords.pageInfo.startCursor;
      }
      expect(backward.flat()).toEqual(truth);
    }
  });
});

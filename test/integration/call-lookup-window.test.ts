import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { CallRecordDto } from '../../src/calls/dto.js';
import { RECORDS_PATH, phpJson } from '../../src/simulator/index.js';
import { NOW, expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * The window planner: `<epoch>.<seq>` ids close in time are answered by date-window scans in fewer upstream
 * requests than point lookups, and the answers are exactly those of point lookups.
 */

let gw: TestGateway;
/** 40 calls within one hour, three days before the simulator's now. */
let cluster: CallRecordDto[];
const CLUSTER_START = Math.floor(NOW / 1000) - 3 * 86400;

beforeAll(async () => {
  gw = await startGateway({ env: { CALL_CACHE_TTL_MS: '0' } });
  cluster = Array.from({ length: 40 }, (_, i) => {
    const start = CLUSTER_START + i * 89;
    return gw.sim.addCall({ startEpoch: start, overrides: { call_id: `${start}.${5_000_000 + i}` } });
  });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.sim.clearFaults();
  gw.sim.resetRequests();
});

const BY_IDS = `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId clientNumber startedAt } }`;
type ByIds = { callRecordsByCallIds: Array<{ callId: string; clientNumber: string; startedAt: string } | null> };
const expected = (records: Array<CallRecordDto | null>) =>
  records.map((r) => (r ? { callId: r.call_id, clientNumber: r.client_number } : null));
const shape = (data: ByIds) => data.callRecordsByCallIds.map((r) => (r ? { callId: r.callId, clientNumber: r.clientNumber } : null));

describe('window planner', () => {
  it('answers 40 ids clustered within an hour in fewer upstream requests than ids, with the same records', async () => {
    const ids = [...cluster].reverse().map((r) => r.call_id);
    const data = expectData(await gw.gql<ByIds>(BY_IDS, { ids }));
    expect(shape(data)).toEqual(expected([...cluster].reverse()));
    expect(gw.sim.count(RECORDS_PATH)).toBeLessThanOrEqual(3);
    // It did scan: at least one request was a date window, not a call_id lookup.
    expect(gw.sim.requests.some((r) => r.params.has('from_date') && r.params.has('to_date'))).toBe(true);
  });

  it('falls back to point lookups for ids the window did not return: unknown ids, and an id whose epoch is not its start', async () => {
    const moved = gw.sim.addCall({
      startEpoch: CLUSTER_START - 5 * 86400,
      overrides: { call_id: `${CLUSTER_START + 1000}.6000001` },
    });
    gw.sim.resetRequests();
    const ids = [...cluster.slice(0, 10).map((r) => r.call_id), `${CLUSTER_START + 500}.6000002`, moved.call_id];
    const data = expectData(await gw.gql<ByIds>(BY_IDS, { ids }));
    expect(shape(data)).toEqual(expected([...cluster.slice(0, 10), null, moved]));
    expect(gw.sim.count(RECORDS_PATH)).toBeLessThan(ids.length);
  });

  it('pages through a dense window (300 calls in an hour) and still answers exactly', async () => {
    const denseStart = CLUSTER_START - 2 * 86400;
    const dense = Array.from({ length: 300 }, (_, i) =>
      gw.sim.addCall({ startEpoch: denseStart + i * 12, overrides: { call_id: `${denseStart + i * 12}.${7_000_000 + i}` } }),
    );
    gw.sim.resetRequests();
    const picked = [dense[5]!, dense[80]!, dense[150]!, dense[220]!, dense[299]!];
    const ids = [...picked.map((r) => r.call_id), `${denseStart + 1800}.7999999`];
    const data = expectData(await gw.gql<ByIds>(BY_IDS, { ids }));
    expect(shape(data)).toEqual(expected([...picked, null]));
    // Never more than point lookups would cost.
    expect(gw.sim.count(RECORDS_PATH)).toBeLessThanOrEqual(ids.length);
  });

  it('never hands out a wrong record when the upstream ignores the window', async () => {
    // The upstream answers every window query with its newest page, whatever the dates.
    const newest = gw.sim.records().slice(0, 100);
    gw.sim.fault({
      path: RECORDS_PATH,
      when: ({ params }) => params.has('from_date'),
      body: phpJson({ count: 640, limit: 100, size: 100, page: 1, results: newest }),
    });
    const ids = cluster.slice(0, 12).map((r) => r.call_id);
    const data = expectData(await gw.gql<ByIds>(BY_IDS, { ids }));
    expect(shape(data)).toEqual(expected(cluster.slice(0, 12)));
  });

  it('looks ids spread over the month up one by one: never more requests than ids', async () => {
    const all = gw.sim.records().filter((r) => /^\d{10}\.\d+$/.test(r.call_id));
    const spread = Array.from({ length: 30 }, (_, i) => all[Math.floor((i * all.length) / 30)]!);
    const data = expectData(await gw.gql<ByIds>(BY_IDS, { ids: spread.map((r) => r.call_id) }));
    expect(shape(data)).toEqual(expected(spread));
    expect(gw.sim.count(RECORDS_PATH)).toBeLessThanOrEqual(30);
  });

  it('CALL_WINDOW_SCAN=false makes one point lookup per id', async () => {
    const off = await startGateway({ env: { CALL_CACHE_TTL_MS: '0', CALL_WINDOW_SCAN: 'false' } });
    try {
      const ids = off.sim.records().slice(0, 12).map((r) => r.call_id);
      expectData(await off.gql<ByIds>(BY_IDS, { ids }));
      expect(off.sim.count(RECORDS_PATH)).toBe(12);
      expect(off.sim.requests.every((r) => r.params.has('call_id'))).toBe(true);
    } finally {
      await off.close();
    }
  });
});

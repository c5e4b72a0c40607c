import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * Lookups within one GraphQL request: deduplicated, batched, errors per id. The record cache and the window
 * planner are off here, so every count is what point lookups of one request cost on their own.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    // 50 aliases: above the default alias limit, which is not what this file tests.
    env: { CALL_CACHE_TTL_MS: '0', CALL_WINDOW_SCAN: 'false', GRAPHQL_MAX_ALIASES: '60', GRAPHQL_MAX_TOKENS: '5000' },
  });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.sim.clearFaults();
  gw.sim.resetRequests();
});

/** `n` records spread over the simulator's month (one in every few, so no two are close in time). */
const spread = (n: number) => {
  const all = gw.sim.records();
  const step = Math.floor(all.length / n);
  return Array.from({ length: n }, (_, i) => all[i * step]!);
};

describe('call lookups within one request', () => {
  it('50 aliases over 30 distinct ids cost at most 30 upstream requests and each alias gets its own record', async () => {
    const records = spread(30);
    const aliasIds = Array.from({ length: 50 }, (_, i) => records[i % 30]!.call_id);
    const query = `query(${aliasIds.map((_, i) => `$id${i}: ID!`).join(', ')}) {
      ${aliasIds.map((_, i) => `a${i}: callRecord(callId: $id${i}) { callId clientNumber }`).join('\n')}
    }`;
    const vars = Object.fromEntries(aliasIds.map((id, i) => [`id${i}`, id]));
    const data = expectData(await gw.gql<Record<string, { callId: string; clientNumber: string } | null>>(query, vars));
    aliasIds.forEach((id, i) => {
      const truth = records[i % 30]!;
      expect(data[`a${i}`]).toEqual({ callId: id, clientNumber: truth.client_number });
    });
    expect(gw.sim.count(RECORDS_PATH)).toBeLessThanOrEqual(30);
  });

  it('a miss is null and leaves its neighbours alone; a failing id errors only its own entry', async () => {
    const [a, b, c] = spread(3);
    gw.sim.fault({ path: RECORDS_PATH, when: ({ params }) => params.get('call_id') === b!.call_id, status: 500 });
    const res = await gw.gql<{ callRecordsByCallIds: Array<{ callId: string } | null> }>(
      `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`,
      { ids: [a!.call_id, '1700000000.404', b!.call_id, c!.call_id] },
    );
    expect(res.data?.callRecordsByCallIds).toEqual([{ callId: a!.call_id }, null, null, { callId: c!.call_id }]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['callRecordsByCallIds', 2]);
    expect(res.errors![0]!.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('_entities with 20 representations (5 of them repeats) makes one upstream request per distinct id', async () => {
    const records = spread(15);
    const reps = [...records, ...records.slice(0, 5)].map((r) => ({ __typename: 'CallRecord', callId: r.call_id }));
    const data = expectData(
      await gw.gql<{ _entities: Array<{ callId: string; date: string } | null> }>(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId date } } }`,
        { r: reps },
      ),
    );
    expect(data._entities).toEqual([...records, ...records.slice(0, 5)].map((r) => ({ callId: r.call_id, date: r.date })));
    expect(gw.sim.count(RECORDS_PATH)).toBe(15);
  });
});

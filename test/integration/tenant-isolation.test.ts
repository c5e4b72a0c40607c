import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Two tenants behind one gateway (forwarded mode): every cache, loader and in-flight map must be scoped by the
 * credential, so each caller sees only their own account's data, whatever the interleaving.
 */
const A = 'tenant-a-token';
const B = 'tenant-b-token';
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const SHARED = '1763640000.424242';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    sim: { records: 200, tokens: [A], accounts: [{ token: B, records: 80 }] },
    env: { ACEFONE_FORWARD_AUTH: 'true' },
  });
  // The same call id in both accounts, with different data (ids are only unique per account).
  gw.sim.addCall({ overrides: { call_id: SHARED, client_number: '+911111111111' } }, A);
  gw.sim.addCall({ overrides: { call_id: SHARED, client_number: '+912222222222' } }, B);
});
afterAll(() => gw.close());

type Lookup = { callRecord: { callId: string; clientNumber: string } | null };
const LOOKUP = `query($id: ID!) { callRecord(callId: $id) { callId clientNumber } }`;
const lookup = async (token: string, id: string) => expectData(await gw.gql<Lookup>(LOOKUP, { id }, as(token))).callRecord;

describe('tenant isolation', () => {
  it("lists each tenant's own records and count", async () => {
    const list = `{ callRecords(first: 10) { totalCount nodes { callId clientNumber } } }`;
    type List = { callRecords: { totalCount: number; nodes: Array<{ callId: string; clientNumber: string }> } };
    for (const token of [A, B, A, B]) {
      const data = expectData(await gw.gql<List>(list, {}, as(token)));
      const truth = gw.sim.records(token);
      expect(data.callRecords.totalCount).toBe(truth.length);
      expect(data.callRecords.nodes.map((n) => n.callId)).toEqual(truth.slice(0, 10).map((r) => r.call_id));
    }
  });

  it("answers the same call id with each tenant's own record, sequentially and concurrently", async () => {
    expect(await lookup(A, SHARED)).toEqual({ callId: SHARED, clientNumber: '+911111111111' });
    expect(await lookup(B, SHARED)).toEqual({ callId: SHARED, clientNumber: '+912222222222' });
    expect(await lookup(A, SHARED)).toEqual({ callId: SHARED, clientNumber: '+911111111111' });
    const tokens = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? B : A));
    const results = await Promise.all(tokens.map((t) => lookup(t, SHARED)));
    results.forEach((record, i) =>
      expect(record?.clientNumber).toBe(tokens[i] === A ? '+911111111111' : '+912222222222'),
    );
  });

  it("never shows one tenant a call that only the other has, even while the other is loading it", async () => {
    const onlyA = gw.sim.records(A).find((r) => r.call_id !== SHARED)!.call_id;
    const onlyB = gw.sim.records(B).find((r) => r.call_id !== SHARED)!.call_id;
    expect(gw.sim.records(B).some((r) => r.call_id === onlyA)).toBe(false);
    const [a1, b1, a2, b2] = await Promise.all([lookup(A, onlyA), lookup(B, onlyA), lookup(A, onlyB), lookup(B, onlyB)]);
    expect([a1?.callId, b1, a2, b2?.callId]).toEqual([onlyA, null, null, onlyB]);
    // And afterwards, when a cache could be warm.
    expect(await lookup(B, onlyA)).toBeNull();
    expect(await lookup(A, onlyB)).toBeNull();
  });

  it('keeps tenants apart in one batched lookup and in federation _entities', async () => {
    const onlyA = gw.sim.records(A)[5]!.call_id;
    const batch = `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId clientNumber } }`;
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId clientNumber } } }`;
    const reps = [SHARED, onlyA].map((callId) => ({ __typename: 'CallRecord', callId }));
    const [batchA, batchB, entA, entB] = await Promise.all([
      gw.gql<{ callRecordsByCallIds: unknown[] }>(batch, { ids: [SHARED, onlyA] }, as(A)),
      gw.gql<{ callRecordsByCallIds: unknown[] }>(batch, { ids: [SHARED, onlyA] }, as(B)),
      gw.gql<{ _entities: unknown[] }>(entities, { r: reps }, as(A)),
      gw.gql<{ _entities: unknown[] }>(entities, { r: reps }, as(B)),
    ]);
    const aSees = [{ callId: SHARED, clientNumber: '+911111111111' }, { callId: onlyA, clientNumber: gw.sim.records(A)[5]!.client_number }];
    const bSees = [{ callId: SHARED, clientNumber: '+912222222222' }, null];
    expect(expectData(batchA).callRecordsByCallIds).toEqual(aSees);
    expect(expectData(batchB).callRecordsByCallIds).toEqual(bSees);
    expect(expectData(entA)._entities).toEqual(aSees);
    expect(expectData(entB)._entities).toEqual(bSees);
  });
});

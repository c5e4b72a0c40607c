import { afterEach, describe, expect, it } from '@jest/globals';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/* Lookups across GraphQL requests: single flight, the short record cache, and tenants kept apart. */

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const LOOKUP = `query($id: ID!) { callRecord(callId: $id) { callId clientNumber } }`;

describe('lookups shared across requests', () => {
  it('two concurrent requests for the same id share one upstream request', async () => {
    gw = await startGateway({ env: { CALL_CACHE_TTL_MS: '0' } });
    const target = gw.sim.records()[7]!;
    // Slow upstream, so that both requests are in flight together.
    gw.sim.setOptions({ latencyMs: 300 });
    const [a, b] = await Promise.all([gw.gql(LOOKUP, { id: target.call_id }), gw.gql(LOOKUP, { id: target.call_id })]);
    const expected = { callRecord: { callId: target.call_id, clientNumber: target.client_number } };
    expect(expectData(a)).toEqual(expected);
    expect(expectData(b)).toEqual(expected);
    expect(gw.sim.count(RECORDS_PATH)).toBe(1);
  });

  it('with the cache off, a later request asks the upstream again', async () => {
    gw = await startGateway({ env: { CALL_CACHE_TTL_MS: '0' } });
    const target = gw.sim.records()[7]!;
    expectData(await gw.gql(LOOKUP, { id: target.call_id }));
    expectData(await gw.gql(LOOKUP, { id: target.call_id }));
    expect(gw.sim.count(RECORDS_PATH)).toBe(2);
  });

  it('by default a record found by one request serves the next ones, but a miss is asked again', async () => {
    gw = await startGateway();
    const target = gw.sim.records()[7]!;
    for (let i = 0; i < 3; i++)
      expect(expectData(await gw.gql(LOOKUP, { id: target.call_id }))).toEqual({
        callRecord: { callId: target.call_id, clientNumber: target.client_number },
      });
    expect(gw.sim.count(RECORDS_PATH)).toBe(1);

    gw.sim.resetRequests();
    const late = '1763600000.424242';
    expect(expectData(await gw.gql(LOOKUP, { id: late }))).toEqual({ callRecord: null });
    // The CDR lands late: the next request finds it.
    const added = gw.sim.addCall({ startEpoch: 1763600000, overrides: { call_id: late } });
    expect(expectData(await gw.gql(LOOKUP, { id: late }))).toEqual({
      callRecord: { callId: late, clientNumber: added.client_number },
    });
    expect(gw.sim.count(RECORDS_PATH)).toBe(2);
  });

  it('a list then lookups of its records (in later requests) cost nothing more than the list', async () => {
    gw = await startGateway();
    const listed = expectData(
      await gw.gql<{ callRecords: { nodes: Array<{ callId: string }> } }>(`{ callRecords(first: 20) { nodes { callId } } }`),
    );
    const listOnly = gw.sim.count(RECORDS_PATH);
    const ids = listed.callRecords.nodes.map((n) => n.callId);
    const truth = gw.sim.records().slice(0, 20);
    const data = expectData(
      await gw.gql<{ callRecordsByCallIds: Array<{ callId: string; status: string } | null> }>(
        `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId status } }`,
        { ids },
      ),
    );
    expect(data.callRecordsByCallIds).toEqual(truth.map((r) => ({ callId: r.call_id, status: r.status })));
    const single = expectData(await gw.gql(LOOKUP, { id: ids[4]! }));
    expect(single).toEqual({ callRecord: { callId: truth[4]!.call_id, clientNumber: truth[4]!.client_number } });
    expect(gw.sim.count(RECORDS_PATH)).toBe(listOnly);
  });

  it('never shares a record between credentials, cached or in flight', async () => {
    gw = await startGateway({
      sim: { accounts: [{ token: 'tenant-b-token' }] },
      env: { ACEFONE_FORWARD_AUTH: 'true' },
    });
    const a = { authorization: 'Bearer demo-token' };
    const b = { authorization: 'Bearer tenant-b-token' };
    const ofA = gw.sim.records('demo-token')[3]!;
    const ofB = gw.sim.records('tenant-b-token')[3]!;
    expect(ofA.call_id).not.toBe(ofB.call_id);

    expectData(await gw.gql(LOOKUP, { id: ofA.call_id }, a));
    gw.sim.setOptions({ latencyMs: 200 });
    const [fromB, fromA, bOwn] = await Promise.all([
      gw.gql(LOOKUP, { id: ofA.call_id }, b),
      gw.gql(LOOKUP, { id: ofB.call_id }, a),
      gw.gql(LOOKUP, { id: ofB.call_id }, b),
    ]);
    expect(expectData(fromB)).toEqual({ callRecord: null });
    expect(expectData(fromA)).toEqual({ callRecord: null });
    expect(expectData(bOwn)).toEqual({ callRecord: { callId: ofB.call_id, clientNumber: ofB.client_number } });
    // One for A's first lookup, then one each: nothing was shared across the two tenants.
    expect(gw.sim.count(RECORDS_PATH)).toBe(4);
  });
});

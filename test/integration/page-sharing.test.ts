import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Concurrent requests that need the same upstream page under the same credential share one upstream read while
 * it is in flight, and only then: nothing is kept once the upstream has answered.
 */
const RECORDS = '/v1/call/records';
const A = 'tenant-a-token';
const B = 'tenant-b-token';
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const LIST = `{ callRecords(first: 5) { totalCount nodes { callId clientNumber startedAt } } }`;
type List = { callRecords: { totalCount: number; nodes: Array<{ callId: string; clientNumber: string | null; startedAt: string }> } };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    sim: { records: 50, tokens: [A], accounts: [{ token: B, records: 30 }] },
    env: { ACEFONE_FORWARD_AUTH: 'true' },
  });
});
afterAll(() => gw.close());

const metric = async (labels: string): Promise<number> => {
  const text = await (await fetch(gw.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`cdr_gateway_single_flight_total{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('page reads shared while in flight', () => {
  it('answers 20 concurrent identical lists with one upstream request, each with the full, same answer', async () => {
    const joined0 = await metric('read="page",result="joined"');
    gw.sim.resetRequests();
    gw.sim.fault({ path: RECORDS, delayMs: 150, times: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => gw.gql<List>(LIST, {}, as(A))));
    expect(gw.sim.count(RECORDS)).toBe(1);
    const truth = gw.sim.records(A).slice(0, 5).map((r) => r.call_id);
    for (const res of answers) {
      const data = expectData(res);
      expect(data.callRecords.totalCount).toBe(50);
      expect(data.callRecords.nodes.map((n) => n.callId)).toEqual(truth);
      expect(data).toEqual(expectData(answers[0]!));
    }
    expect((await metric('read="page",result="joined"')) - joined0).toBe(19);
  });

  it('keeps nothing once answered: the next request reads the upstream again and sees a new call', async () => {
    gw.sim.resetRequests();
    expectData(await gw.gql<List>(LIST, {}, as(A)));
    const added = gw.sim.addCall({ overrides: { client_number: '+919999999999' } }, A);
    const data = expectData(await gw.gql<List>(LIST, {}, as(A)));
    expect(gw.sim.count(RECORDS)).toBe(2);
    expect(data.callRecords.totalCount).toBe(51);
    expect(data.callRecords.nodes[0]!.callId).toBe(added.call_id);
  });

  it('never shares a page between credentials', async () => {
    gw.sim.resetRequests();
    gw.sim.fault({ path: RECORDS, delayMs: 150, times: 2 });
    const [a, b] = await Promise.all([gw.gql<List>(LIST, {}, as(A)), gw.gql<List>(LIST, {}, as(B))]);
    expect(gw.sim.count(RECORDS)).toBe(2);
    expect(expectData(a).callRecords.nodes.map((n) => n.callId)).toEqual(gw.sim.records(A).slice(0, 5).map((r) => r.call_id));
    expect(expectData(b).callRecords.totalCount).toBe(30);
    expect(expectData(b).callRecords.nodes.map((n) => n.callId)).toEqual(gw.sim.records(B).slice(0, 5).map((r) => r.call_id));
  });

  it('gives every joiner the failure of the read it joined, and does not keep the failure', async () => {
    gw.sim.resetRequests();
    gw.sim.fault({ path: RECORDS, status: 503, delayMs: 150, times: 1 });
    const failed = await Promise.all(Array.from({ length: 5 }, () => gw.gql<List>(LIST, {}, as(A))));
    expect(gw.sim.count(RECORDS)).toBe(1);
    for (const res of failed) expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expectData(await gw.gql<List>(LIST, {}, as(A)));
    expect(gw.sim.count(RECORDS)).toBe(2);
  });

  it("reports a shared failure at each request's own path, on both execution engines", async () => {
    gw.sim.resetRequests();
    // Different aliases, same page; each document runs enough times to be compiled too.
    const queries = ['one', 'two', 'three'].map((alias) => `{ ${alias}: callRecords(first: 5) { totalCount } }`);
    for (let round = 0; round < 4; round++) {
      gw.sim.fault({ path: RECORDS, status: 503, delayMs: 100, times: 1 });
      const answers = await Promise.all(queries.map((q) => gw.gql(q, {}, as(A))));
      expect(gw.sim.count(RECORDS)).toBe(round + 1);
      answers.forEach((res, i) => {
        expect(res.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['UPSTREAM_UNAVAILABLE', [['one', 'two', 'three'][i]]]]);
      });
    }
  });
});

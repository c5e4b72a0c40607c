import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'caller-token-a';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const LIST = `{ callRecords(first: 3) { totalCount nodes { callId } } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 40, tokens: [TOKEN] }, env: { ACEFONE_FORWARD_AUTH: 'true' } });
});
afterAll(() => gw.close());

describe('forwarded credentials (ACEFONE_FORWARD_AUTH=true)', () => {
  it("serves the caller's own records with the caller's token", async () => {
    const data = expectData(await gw.gql<{ callRecords: { totalCount: number; nodes: Array<{ callId: string }> } }>(LIST, {}, bearer(TOKEN)));
    const truth = gw.sim.records(TOKEN);
    expect(data.callRecords.totalCount).toBe(truth.length);
    expect(data.callRecords.nodes.map((n) => n.callId)).toEqual(truth.slice(0, 3).map((r) => r.call_id));
  });

  it.each([
    ['no Authorization header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` }],
  ])('answers HTTP 401 UNAUTHENTICATED, without any upstream call, for %s', async (_, headers) => {
    gw.sim.resetRequests();
    const res = await gw.gql(`query($id: ID!) { callRecord(callId: $id) { callId } }`, { id: '1.1' }, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(gw.sim.count()).toBe(0);
  });

  it('still answers _service and introspection without a token (the router fetches the schema so)', async () => {
    const data = expectData(await gw.gql<{ _service: { sdl: string }; __typename: string }>(`{ _service { sdl } __typename }`));
    expect(data._service.sdl).toContain('type CallRecord');
    // ...but not when the same operation also reads call records.
    const mixed = await gw.gql(`{ _service { sdl } callRecords(first: 1) { totalCount } }`);
    expect(mixed.status).toBe(401);
  });

  it('answers UNAUTHENTICATED when the upstream refuses the forwarded token, with no refresh or login', async () => {
    gw.sim.resetRequests();
    const res = await gw.gql(LIST, {}, bearer('not-a-valid-token'));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(gw.sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/call/records 401']);
  });
});

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 20, tokens: ['portal-token'] }, env: { ACEFONE_API_TOKEN: 'portal-token' } });
});
afterAll(() => gw.close());

it('answers UNAUTHENTICATED, saying the token was refused, after one upstream request when the portal token is blacklisted', async () => {
  expect((await gw.gql(`{ callRecords(first: 1) { totalCount } }`)).errors).toBeUndefined();
  gw.sim.revokeToken('portal-token');
  gw.sim.resetRequests();
  const res = await gw.gql(`{ callRecords(first: 1) { totalCount } }`);
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  expect(res.errors?.[0]?.message).toMatch(/refused the credential \(it may be expired, blacklisted or revoked\)/);
  // A static token cannot be renewed: no refresh, no login, no retry.
  expect(gw.sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/call/records 401']);
});

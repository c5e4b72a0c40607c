import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

const SECRET = 'router-shared-secret-0123456789';
let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ env: { ROUTER_SECRET: SECRET } });
});
afterAll(() => gw.close());

describe('ROUTER_SECRET', () => {
  it('answers requests that carry the secret in router-authorization', async () => {
    const data = expectData(await gw.gql(`{ callRecords(first: 1) { nodes { callId } } }`, {}, { 'router-authorization': SECRET }));
    expect(data).toEqual({ callRecords: { nodes: [{ callId: gw.sim.records()[0]!.call_id }] } });
  });

  it('rejects direct calls, and wrong secrets, with 401 UNAUTHENTICATED before any upstream request', async () => {
    gw.sim.resetRequests();
    const attempts: Array<Record<string, string>> = [{}, { 'router-authorization': 'router-shared-secret-012345678' }, { 'router-authorization': `${SECRET}x` }];
    for (const headers of attempts) {
      const res = await gw.gql(`{ callRecords(first: 1) { nodes { callId } } }`, {}, headers);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(res.errors)).not.toContain(SECRET.slice(0, 12));
    }
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });

  it('keeps the health endpoints open', async () => {
    const base = gw.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('refuses a short secret at boot without echoing it', () => {
    expect(() => loadConfig({ ROUTER_SECRET: 'short-secret' })).toThrow(/^Invalid configuration: ROUTER_SECRET must be at least 16 characters$/);
  });
});

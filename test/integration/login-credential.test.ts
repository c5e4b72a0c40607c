import { afterEach, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimulatorOptions } from '../../src/simulator/index.js';

const RECORDS = '/v1/call/records';
const LOGIN = '/v1/auth/login';
const REFRESH = '/v1/auth/refresh';
const LOGIN_ENV = { ACEFONE_LOGIN_ID: 'demo@example.com', ACEFONE_PASSWORD: 'demo-password' };
const QUERY = `{ callRecords(first: 3) { totalCount nodes { callId } } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(sim: SimulatorOptions = {}, env: Record<string, string> = {}, now?: () => number): Promise<TestGateway> {
  gw = await startGateway({ sim: { records: 50, ...sim }, env: { ...LOGIN_ENV, ...env }, now });
  return gw;
}

/** A gateway clock that can jump ahead of the simulator's (whose tokens then stay valid). */
function jumpingClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, jump: (ms: number) => void (offset += ms) };
}

/** Lists the newest calls and checks they are the account's, as the upstream has them. */
async function expectNewestCalls(g: TestGateway): Promise<void> {
  const data = expectData(await g.gql<{ callRecords: { nodes: Array<{ callId: string }> } }>(QUERY));
  expect(data.callRecords.nodes.map((n) => n.callId)).toEqual(g.sim.records().slice(0, 3).map((r) => r.call_id));
}

const refusedRecordRequests = (g: TestGateway) => g.sim.requests.filter((r) => r.path === RECORDS && r.status === 401).length;

describe('login credential (ACEFONE_LOGIN_ID + ACEFONE_PASSWORD)', () => {
  it('logs in once and reuses the token while it is fresh', async () => {
    const g = await start();
    await expectNewestCalls(g);
    await expectNewestCalls(g);
    await expectNewestCalls(g);
    expect(g.sim.count(LOGIN)).toBe(1);
    expect(g.sim.count(REFRESH)).toBe(0);
    expect(g.sim.count(RECORDS)).toBe(3);
  });

  it('sends the login id in the configured body field (login_id brands)', async () => {
    const g = await start({ loginField: 'login_id' }, { ACEFONE_LOGIN_FIELD: 'login_id' });
    await expectNewestCalls(g);
    expect(g.sim.count(LOGIN)).toBe(1);
  });

  it('refreshes the token before it expires, so no request is ever refused', async () => {
    // 2 s tokens: the gateway renews in the second half of the lifetime (refreshExpired: a slow run stays green).
    const g = await start({ tokenTtlSeconds: 2, refreshExpired: true });
    await expectNewestCalls(g);
    await sleep(1200);
    await expectNewestCalls(g);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(1);
    expect(refusedRecordRequests(g)).toBe(0);
  });

  it('logs in again when the refresh is refused (token already expired)', async () => {
    // The simulator does not refresh expired tokens (the upstream may not either).
    const g = await start({ tokenTtlSeconds: 1, refreshExpired: false });
    await expectNewestCalls(g);
    await sleep(1100);
    await expectNewestCalls(g);
    expect(g.sim.requests.filter((r) => r.path === REFRESH).map((r) => r.status)).toEqual([401]);
    expect(g.sim.count(LOGIN)).toBe(2);
    expect(refusedRecordRequests(g)).toBe(0);
  });

  it('logs in again when the refresh endpoint fails', async () => {
    const clock = jumpingClock();
    const g = await start({}, {}, clock.now);
    await expectNewestCalls(g);
    g.sim.fault({ path: REFRESH, status: 503 });
    clock.jump(3_590_000); // 10 s before the 1-hour token expires
    await expectNewestCalls(g);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(2);
  });

  it('on a 401 mid-request, refreshes once and retries the request once', async () => {
    const g = await start();
    await expectNewestCalls(g);
    g.sim.fault({ path: RECORDS, status: 401, times: 1 });
    await expectNewestCalls(g);
    expect(g.sim.count(RECORDS)).toBe(3);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(1);
  });

  it('answers UNAUTHENTICATED, without a retry loop, when the token is refused again after the refresh', async () => {
    const g = await start();
    g.sim.fault({ path: RECORDS, status: 401 });
    const res = await g.gql(QUERY);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(g.sim.count(RECORDS)).toBe(2);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(1);
  });

  // 100 different pages (first: 1..100): identical concurrent reads would share one upstream request.
  const burst = (g: TestGateway) =>
    Promise.all(Array.from({ length: 100 }, (_, i) => g.gql<{ callRecords: unknown }>(`{ callRecords(first: ${i + 1}) { totalCount nodes { callId } } }`)));

  it('makes one login for 100 concurrent requests, and one refresh for 100 concurrent requests at renewal', async () => {
    const clock = jumpingClock();
    const g = await start({}, {}, clock.now);
    for (const res of await burst(g)) expectData(res);
    expect(g.sim.count(LOGIN)).toBe(1);
    clock.jump(3_590_000);
    for (const res of await burst(g)) expectData(res);
    expect(g.sim.count(LOGIN)).toBe(1);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(RECORDS)).toBe(200);
    expect(refusedRecordRequests(g)).toBe(0);
  });

  /** Requests sent before the renewal were refused and retried once; those sent after it used the new token. */
  const expectOneRetryPerRefusal = (g: TestGateway) => {
    const statuses = g.sim.requests.filter((r) => r.path === RECORDS).map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s !== 200 && s !== 401)).toEqual([]);
  };

  it('makes one refresh when 100 concurrent requests are refused mid-flight, and retries each once', async () => {
    // The gateway still believes its token fresh; the upstream says it has expired.
    const g = await start({ refreshExpired: true });
    await expectNewestCalls(g);
    g.sim.expireLoginTokens();
    g.sim.resetRequests();
    for (const res of await burst(g)) expectData(res);
    expectOneRetryPerRefusal(g);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(0);
  });

  it('shares one refused read, its refresh and its retry among 100 identical concurrent requests', async () => {
    const g = await start({ refreshExpired: true });
    await expectNewestCalls(g);
    g.sim.expireLoginTokens();
    g.sim.resetRequests();
    // The refused answer is slow enough for all 100 to join the read in flight.
    g.sim.fault({ path: RECORDS, delayMs: 400, times: 1 });
    for (const res of await Promise.all(Array.from({ length: 100 }, () => g.gql<{ callRecords: unknown }>(QUERY)))) expectData(res);
    expect(g.sim.requests.filter((r) => r.path === RECORDS).map((r) => r.status)).toEqual([401, 200]);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(0);
  });

  it('logs in once when 100 concurrent requests are refused and the refresh is refused too', async () => {
    const g = await start({ refreshExpired: false });
    await expectNewestCalls(g);
    g.sim.expireLoginTokens();
    g.sim.resetRequests();
    for (const res of await burst(g)) expectData(res);
    expectOneRetryPerRefusal(g);
    expect(g.sim.count(REFRESH)).toBe(1);
    expect(g.sim.count(LOGIN)).toBe(1);
  });

  it('answers UNAUTHENTICATED when the login is refused, and does not hammer the login endpoint', async () => {
    const g = await start({}, { ACEFONE_PASSWORD: 'wrong-password' });
    for (let i = 0; i < 3; i++) {
      const res = await g.gql(QUERY);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(res.errors?.[0]?.message).toMatch(/refused the gateway's login/);
    }
    // Repeated bad logins can lock an account: one attempt, then fail fast for a while.
    expect(g.sim.count(LOGIN)).toBe(1);
    expect(g.sim.count(RECORDS)).toBe(0);
  });

  it('answers UNAUTHENTICATED when the login field does not match the brand', async () => {
    const g = await start({ loginField: 'login_id' });
    const res = await g.gql(QUERY);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(g.sim.requests.filter((r) => r.path === LOGIN).map((r) => r.status)).toEqual([422]);
  });

  it('reports an unavailable login endpoint as such, and tries again on the next request', async () => {
    const g = await start();
    g.sim.fault({ path: LOGIN, status: 503, times: 1 });
    const res = await g.gql(QUERY);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    await expectNewestCalls(g);
    expect(g.sim.count(LOGIN)).toBe(2);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimulatorOptions } from '../../src/simulator/index.js';

/**
 * Runs representative operations, failures included, in every credential mode, then scans everything the gateway
 * wrote (every response's status, headers and body, every log line at trace level) for every secret it handled:
 * portal and forwarded tokens, passwords, the login tokens it obtained (any JWT) and the recording-URL tokens.
 * Operations do not select `recordingUrl`: that link is data a client asks for, delivered on purpose.
 */
const STATIC = 'static-portal-token-7f3a9c41';
const PASSWORD = 'pa55-word-Zq8-e1d0';
const WRONG_PASSWORD = 'wr0ng-pa55-Kx2-77b3';
const FORWARDED_A = 'fwd-token-a-91be22d7';
const FORWARDED_B = 'fwd-token-b-c04d9ae0';
const FORWARDED_BAD = 'fwd-bad-token-55e1f08c';
const LOGIN_ID = 'ops@example.com';
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

const RECORDS = '/v1/call/records';
const LIST = `{ callRecords(first: 30) { totalCount edges { cursor node { callId id uuid status clientNumber agentName
  startedAt callFlow { kind type time name number raw } circle { operator circle } } } } }`;
const LOOKUP = `query($id: ID!) { callRecord(callId: $id) { callId clientNumber description } }`;

const gateways: TestGateway[] = [];
const secrets = new Set([STATIC, PASSWORD, WRONG_PASSWORD, FORWARDED_A, FORWARDED_B, FORWARDED_BAD]);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

async function start(sim: SimulatorOptions, env: Record<string, string>): Promise<TestGateway> {
  // Record cache off: every operation must reach the upstream, so that each scripted fault is met by its request.
  const gw = await startGateway({ sim: { records: 60, ...sim }, env: { LOG_LEVEL: 'trace', CALL_CACHE_TTL_MS: '0', ...env } });
  gateways.push(gw);
  return gw;
}

/** Adds the recording-URL tokens of an account's records to the secrets, and returns a body that echoes them. */
function harvestRecordingTokens(gw: TestGateway, token?: string): string {
  const urls = gw.sim.records(token).flatMap((r) => (typeof r.recording_url === 'string' ? [r.recording_url] : []));
  for (const url of urls) secrets.add(new URL(url).searchParams.get('token')!);
  return JSON.stringify({ success: false, message: `refused ${[...secrets].join(' ')}`, recording_url: urls[0] });
}

/** Operations every mode runs: success, not found, bad input, and upstream failures whose bodies echo secrets. */
async function representativeOperations(gw: TestGateway, headers: Record<string, string> = {}, token?: string) {
  const echo = harvestRecordingTokens(gw, token);
  const known = gw.sim.records(token)[3]!.call_id;
  await gw.gql(LIST, {}, headers);
  await gw.gql(LOOKUP, { id: known }, headers);
  await gw.gql(LOOKUP, { id: '0000000000.0' }, headers);
  await gw.gql(`{ callRecords(first: -1) { totalCount } }`, {}, headers);
  await gw.gql(`{ callRecords(first: 5, filter: { from: "not a date" }) { totalCount } }`, {}, headers);
  await gw.gql(`{ callRecords(first: 5 { totalCount } }`, {}, headers);
  for (const status of [400, 403, 422, 429, 500]) {
    gw.sim.fault({ path: RECORDS, status, body: echo, times: 1 });
    await gw.gql(LOOKUP, { id: known }, headers);
  }
  gw.sim.fault({ path: RECORDS, body: `<html>${echo}</html>`, times: 1 });
  await gw.gql(LIST, {}, headers);
  gw.sim.fault({ path: RECORDS, wrongShape: true, times: 1 });
  await gw.gql(LIST, {}, headers);
}

function leaksIn(texts: string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const secret of secrets) if (text.includes(secret) || text.includes(encodeURIComponent(secret))) found.push(secret);
    const jwt = JWT.exec(text);
    if (jwt) found.push(`a login token (JWT) in: ${text.slice(0, 120)}`);
  }
  return found;
}

describe('secret hygiene', () => {
  it('static token mode, including a blacklisted token', async () => {
    const gw = await start({ tokens: [STATIC] }, { ACEFONE_API_TOKEN: STATIC });
    await representativeOperations(gw);
    gw.sim.fault({ path: RECORDS, status: 401, body: harvestRecordingTokens(gw), times: 1 });
    const refused = await gw.gql(LIST);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('login mode: 401 mid-request, refused refresh, unavailable login, expiry', async () => {
    const gw = await start(
      { loginId: LOGIN_ID, password: PASSWORD, refreshExpired: false },
      { ACEFONE_LOGIN_ID: LOGIN_ID, ACEFONE_PASSWORD: PASSWORD },
    );
    await representativeOperations(gw);
    const echo = harvestRecordingTokens(gw);
    gw.sim.fault({ path: RECORDS, status: 401, body: echo, times: 1 });
    await gw.gql(LIST);
    gw.sim.fault({ path: RECORDS, status: 401, body: echo, times: 1 });
    gw.sim.fault({ path: '/v1/auth/refresh', status: 401, body: echo, times: 1 });
    await gw.gql(LIST);
    gw.sim.expireLoginTokens();
    gw.sim.fault({ path: '/v1/auth/login', status: 500, body: echo, times: 1 });
    const unavailable = await gw.gql(LIST);
    expect(unavailable.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    gw.sim.fault({ path: '/v1/auth/login', wrongShape: true, times: 1 });
    await gw.gql(LIST);
    await gw.gql(LIST);
    expect(gw.sim.count('/v1/auth/login')).toBeGreaterThanOrEqual(3);
  });

  it('login mode with a refused password', async () => {
    const gw = await start({ loginId: LOGIN_ID, password: PASSWORD }, { ACEFONE_LOGIN_ID: LOGIN_ID, ACEFONE_PASSWORD: WRONG_PASSWORD });
    gw.sim.fault({ path: '/v1/auth/login', status: 401, body: JSON.stringify({ success: false, message: `bad ${WRONG_PASSWORD}` }), times: 1 });
    const res = await gw.gql(LIST);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await gw.gql(LOOKUP, { id: '1.1' });
  });

  it('forwarded mode: two tenants, no token, a refused token, another scheme', async () => {
    const gw = await start({ tokens: [FORWARDED_A], accounts: [{ token: FORWARDED_B, records: 30 }] }, { ACEFONE_FORWARD_AUTH: 'true' });
    await representativeOperations(gw, { authorization: `Bearer ${FORWARDED_A}` }, FORWARDED_A);
    await representativeOperations(gw, { authorization: `Bearer ${FORWARDED_B}` }, FORWARDED_B);
    await gw.gql(LIST);
    await gw.gql(LIST, {}, { authorization: `Bearer ${FORWARDED_BAD}` });
    await gw.gql(LIST, {}, { authorization: `Basic ${FORWARDED_BAD}` });
    await gw.gql(LIST, {}, { authorization: `Bearer ${FORWARDED_A} ${FORWARDED_BAD}` });
  });

  it('nothing the gateway wrote in any mode holds a secret', () => {
    expect(gateways).toHaveLength(4);
    const written = gateways.flatMap((g) => [...g.responses, ...g.logs]);
    // The scan sees real traffic: errors, login events, and the recording tokens of the data served.
    expect(gateways.every((g) => g.responses.length > 0)).toBe(true);
    expect(written.some((t) => t.includes('refreshed the call-records API token'))).toBe(true);
    expect(written.some((t) => t.includes('token refresh failed'))).toBe(true);
    expect(written.some((t) => t.includes('refused the login'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(20);
    // And it would find a leak.
    expect(leaksIn([`x ${PASSWORD} y`, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMDA3In0.c2lnbmF0dXJlLXZhbHVl'])).toHaveLength(2);
    expect(leaksIn(written)).toEqual([]);
  });
});

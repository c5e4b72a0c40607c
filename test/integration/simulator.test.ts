import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import type { CallFlowEventDto, CallRecordDto, CallRecordPageDto } from '../../src/calls/dto.js';
import { createSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';

const NOW = Date.UTC(2025, 5, 16, 12, 0, 0); // 17:30 IST
const TOKEN = 'demo-token';
const RECORDS = '/v1/call/records';
const sample = JSON.parse(readFileSync(new URL('../fixtures/sample-response.json', import.meta.url), 'utf8')) as CallRecordPageDto;

let sim: Simulator;
let truth: CallRecordDto[];

beforeAll(async () => {
  sim = await createSimulator({
    now: NOW,
    records: 600,
    accounts: [{ token: 'tenant-b', records: 120, loginId: 'b@example.com', password: 'pw-b' }],
  });
  truth = sim.records();
});
afterAll(() => sim.close());

const auth = (token: string | null = TOKEN): Record<string, string> => (token === null ? {} : { Authorization: `Bearer ${token}` });

async function get(query: string, token: string | null = TOKEN, s: Simulator = sim): Promise<{ status: number; body: unknown; res: Response }> {
  const res = await fetch(`${s.url}${RECORDS}${query ? `?${query}` : ''}`, { headers: auth(token) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep raw text
  }
  return { status: res.status, body, res };
}

async function page(query: string, token: string | null = TOKEN, s: Simulator = sim): Promise<CallRecordPageDto> {
  const { status, body } = await get(query, token, s);
  expect(status).toBe(200);
  return body as CallRecordPageDto;
}

/** Every record matching `query`, paging with limit=100 until an empty/short page. */
async function all(query: string, token: string = TOKEN, s: Simulator = sim): Promise<CallRecordDto[]> {
  const out: CallRecordDto[] = [];
  for (let p = 1; p < 100; p++) {
    const body = await page(`${query}${query ? '&' : ''}limit=100&page=${p}`, token, s);
    out.push(...body.results);
    if (body.results.length < 100) break;
  }
  return out;
}

const ids = (rs: CallRecordDto[]): string[] => rs.map((r) => r.call_id);
const wall = (r: CallRecordDto): string => `${r.date} ${r.time}`;
const flowOf = (r: CallRecordDto): CallFlowEventDto[] => r.call_flow ?? [];
const agentIdsOf = (r: CallRecordDto): string[] =>
  flowOf(r).filter((e) => e.type === 'Agent' && e.id !== null && e.id !== undefined).map((e) => String(e.id));
const flowIds = (r: CallRecordDto, type: string): string[] => flowOf(r).filter((e) => e.type === type).map((e) => String(e.id));
const enc = encodeURIComponent;

async function login(s: Simulator, body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${s.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('envelope, ordering and paging', () => {
  it('serves {count, limit, size, page, results} newest first, matching records()', async () => {
    const body = await page('');
    expect(Object.keys(body)).toEqual(['count', 'limit', 'size', 'page', 'results']);
    expect(body).toMatchObject({ count: 600, limit: 20, size: 20, page: 1 });
    expect(body.results).toEqual(truth.slice(0, 20));
    for (let i = 1; i < truth.length; i++) expect(wall(truth[i - 1]!) >= wall(truth[i]!)).toBe(true);
    // the newest call is a few minutes before `now`, the oldest within ~30 days
    const newestEnd = Date.parse(`${truth[0]!.end_stamp!.replace(' ', 'T')}+05:30`);
    expect(newestEnd).toBeLessThanOrEqual(NOW);
    expect(NOW - newestEnd).toBeLessThan(15 * 60_000);
    expect(truth.at(-1)!.date! >= '2025-05-17').toBe(true);
  });

  it('defaults and clamps limit, normalises page, and returns [] past the end', async () => {
    expect(await page('limit=500')).toMatchObject({ limit: 100, size: 100, count: 600 });
    expect(await page('limit=abc&page=xyz')).toMatchObject({ limit: 20, size: 20, page: 1 });
    expect(await page('limit=0&page=0')).toMatchObject({ limit: 20, page: 1 });
    const past = await page('page=99&limit=50');
    expect(past).toMatchObject({ count: 600, page: 99, size: 0, results: [] });
    const last = await page('page=7&limit=100');
    expect(last).toMatchObject({ size: 0, results: [] });
    const partial = await page('page=6&limit=110');
    expect(partial).toMatchObject({ limit: 100, size: 100 });
  });

  it('pages cover every record exactly once', async () => {
    const got = await all('');
    expect(got).toHaveLength(600);
    expect(new Set(ids(got)).size).toBe(600);
    expect(ids(got)).toEqual(ids(truth));
  });

  it('applies maxLimit changes at runtime and echoes the clamp', async () => {
    sim.setOptions({ maxLimit: 30 });
    try {
      expect(await page('limit=50')).toMatchObject({ limit: 30, size: 30 });
    } finally {
      sim.setOptions({ maxLimit: 100 });
    }
  });

  it('counts accepted TCP connections: a keep-alive client reuses its one', async () => {
    const agents = [new Agent({ connections: 1 }), new Agent({ connections: 1 })];
    try {
      const before = sim.connections();
      for (const agent of agents)
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${sim.url}${RECORDS}?limit=1`, { headers: auth(), dispatcher: agent } as RequestInit);
          await res.arrayBuffer();
        }
      expect(sim.connections() - before).toBe(2);
    } finally {
      await Promise.all(agents.map((a) => a.close()));
    }
  });
});

describe('filters', () => {
  it('from_date/to_date: inclusive wall-clock window in the account zone', async () => {
    const from = wall(truth[120]!);
    const to = wall(truth[40]!);
    const got = await all(`from_date=${enc(from)}&to_date=${enc(to)}`);
    const expected = truth.filter((r) => wall(r) >= from && wall(r) <= to);
    expect(ids(got)).toEqual(ids(expected));
    expect(ids(got)).toContain(truth[120]!.call_id);
    expect(ids(got)).toContain(truth[40]!.call_id);
    // from_date alone is allowed
    const onlyFrom = await page(`from_date=${enc(from)}`);
    expect(onlyFrom.count).toBe(truth.filter((r) => wall(r) >= from).length);
  });

  it('date/time are wall-clock in the zone; 422 for a malformed date', async () => {
    const fmt = (tz: string) =>
      new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const ist = fmt('Asia/Kolkata');
    const epochIds = truth.filter((r) => /^\d+\.\d+$/.test(r.call_id));
    expect(epochIds.length).toBeGreaterThan(500);
    for (const r of epochIds) expect(wall(r)).toBe(ist.format(Number(r.call_id.split('.')[0]) * 1000));

    const london = await createSimulator({ now: NOW, records: 20, timezone: 'Europe/London' });
    try {
      const uk = fmt('Europe/London');
      for (const r of london.records().filter((x) => /^\d+\.\d+$/.test(x.call_id))) {
        expect(wall(r)).toBe(uk.format(Number(r.call_id.split('.')[0]) * 1000));
      }
    } finally {
      await london.close();
    }

    const bad = await get('from_date=2025-06-01&to_date=2025-02-30%2000:00:00');
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      message: 'The given data was invalid.',
      errors: {
        from_date: ['The from date does not match the format Y-m-d H:i:s.'],
        to_date: ['The to date does not match the format Y-m-d H:i:s.'],
      },
    });
  });

  it('agents: PHP arrays (agents[]=, agents[0]=), agent|id and agent||id, bare keys last-wins', async () => {
    const counts = new Map<string, number>();
    for (const r of truth) for (const id of new Set(agentIdsOf(r))) counts.set(id, (counts.get(id) ?? 0) + 1);
    const [a1, a2] = [...counts.keys()].sort((x, y) => (counts.get(y) ?? 0) - (counts.get(x) ?? 0));
    const has = (id: string) => (r: CallRecordDto) => agentIdsOf(r).includes(id);

    const one = await all(`agents[]=${enc(`agent|${a1}`)}`);
    expect(ids(one)).toEqual(ids(truth.filter(has(a1!))));
    expect(one.length).toBeGreaterThan(0);

    const union = await all(`agents[0]=${enc(`agent||${a1}`)}&agents[1]=${enc(`agent|${a2}`)}`);
    expect(ids(union)).toEqual(ids(truth.filter((r) => has(a1!)(r) || has(a2!)(r))));
    expect(union.length).toBeGreaterThan(one.length);

    const lastWins = await all(`agents=${enc(`agent|${a1}`)}&agents=${enc(`agent|${a2}`)}`);
    expect(ids(lastWins)).toEqual(ids(truth.filter(has(a2!))));

    // axios' default `agents[]=` with a literal, unencoded pipe works too
    expect((await page(`agents[]=agent|${a1}`)).count).toBe(one.length);
  });

  it('department[] and ivr[] match ids', async () => {
    const dept = truth.flatMap((r) => flowIds(r, 'Department'))[0]!;
    const byDept = await all(`department[]=${dept}`);
    expect(byDept.length).toBeGreaterThan(0);
    expect(ids(byDept)).toEqual(ids(truth.filter((r) => flowIds(r, 'Department').includes(dept))));

    const ivr = truth.flatMap((r) => flowIds(r, 'IVR'))[0]!;
    const byIvr = await all(`ivr[]=${ivr}&ivr[]=does-not-exist`);
    expect(byIvr.length).toBeGreaterThan(0);
    expect(ids(byIvr)).toEqual(ids(truth.filter((r) => flowIds(r, 'IVR').includes(ivr))));
  });

  it('call_type, direction, services, broadcast', async () => {
    const answered = await page('call_type=c&limit=100');
    expect(answered.count).toBe(truth.filter((r) => r.status === 'answered').length);
    expect(answered.results.every((r) => r.status === 'answered')).toBe(true);
    const missed = await page('call_type=m');
    expect(missed.count + answered.count).toBe(600);

    const outbound = await page('direction=outbound&limit=100');
    expect(outbound.count).toBe(truth.filter((r) => r.direction === 'outbound').length);
    expect(outbound.results.every((r) => r.direction === 'outbound')).toBe(true);

    const svc = await all('services=ivr,%20Click%20to%20Call');
    expect(ids(svc)).toEqual(ids(truth.filter((r) => ['IVR', 'Click to Call'].includes(r.service ?? ''))));
    expect(svc.length).toBeGreaterThan(0);

    const bc = await all('broadcast=true');
    expect(bc.length).toBeGreaterThan(0);
    expect(ids(bc)).toEqual(ids(truth.filter((r) => r.broadcast_id !== null)));
    expect((await page('broadcast=false')).count).toBe(600);

    expect((await get('call_type=x')).status).toBe(422);
    expect((await get('direction=sideways')).status).toBe(422);
  });

  it('callerid, destination and did_number match numbers with or without +91', async () => {
    const counts = new Map<string, number>();
    for (const r of truth) counts.set(r.client_number!, (counts.get(r.client_number!) ?? 0) + 1);
    const repeat = [...counts.entries()].find(([, n]) => n > 1)![0];
    const expected = ids(truth.filter((r) => r.client_number === repeat));
    expect(ids(await all(`callerid=${enc(repeat)}`))).toEqual(expected);
    expect(ids(await all(`callerid=${repeat.slice(3)}`))).toEqual(expected);

    const did = truth[0]!.did_number!;
    expect(ids(await all(`did_number=${enc(did)}`))).toEqual(ids(truth.filter((r) => r.did_number === did)));
    expect(ids(await all(`destination=${did.slice(3)}`))).toEqual(
      ids(truth.filter((r) => r.did_number === did && r.direction === 'inbound')),
    );
  });

  it('duration + operator compare call_duration; bare duration means =; bad operator is 422', async () => {
    const dur = (r: CallRecordDto) => Number(r.call_duration);
    expect(ids(await all(`duration=120&operator=${enc('>=')}`))).toEqual(ids(truth.filter((r) => dur(r) >= 120)));
    expect(ids(await all(`duration=60&operator=${enc('<')}`))).toEqual(ids(truth.filter((r) => dur(r) < 60)));
    expect(ids(await all(`duration=60&operator=${enc('!=')}`))).toEqual(ids(truth.filter((r) => dur(r) !== 60)));
    const exact = dur(truth[3]!);
    expect(ids(await all(`duration=${exact}`))).toEqual(ids(truth.filter((r) => dur(r) === exact)));
    const bad = await get(`duration=60&operator=${enc('=>')}`);
    expect(bad.status).toBe(422);
    expect((bad.body as { errors: Record<string, unknown> }).errors.operator).toBeDefined();
  });

  it('call_id is exact; unknown params and empty values are ignored', async () => {
    const target = truth[77]!;
    const hit = await page(`call_id=${enc(target.call_id)}&limit=1`);
    expect(hit).toMatchObject({ count: 1, size: 1 });
    expect(hit.results[0]).toEqual(target);
    expect(await page('call_id=1700000000.1')).toMatchObject({ count: 0, size: 0, results: [] });
    const ignored = await page('start_date=2020-01-01&end_date=2020-01-02&callerid=&agents[]=&operator=&foo=bar');
    expect(ignored.count).toBe(600);
  });

  it('each tenant sees only its own data', async () => {
    const b = await page('limit=100', 'tenant-b');
    expect(b.count).toBe(120);
    const bIds = new Set(ids(sim.records('tenant-b')));
    expect(b.results.every((r) => bIds.has(r.call_id))).toBe(true);
    expect(truth.some((r) => bIds.has(r.call_id))).toBe(false);
    expect(b.results[0]!.accountid).not.toBe(truth[0]!.accountid);
  });
});

describe('authentication', () => {
  it('401 without a token, with an unknown one, or a doubled Bearer; raw token accepted', async () => {
    const none = await get('', null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ success: false, message: 'Unauthenticated.' });
    expect((await get('', 'nope')).status).toBe(401);
    expect((await get('', `Bearer ${TOKEN}`)).status).toBe(401);
    const raw = await fetch(`${sim.url}${RECORDS}`, { headers: { Authorization: TOKEN } });
    expect(raw.status).toBe(200);
    await raw.arrayBuffer();
  });

  it('requireBearerPrefix rejects the raw token', async () => {
    const strict = await createSimulator({ now: NOW, records: 5, requireBearerPrefix: true });
    try {
      const raw = await fetch(`${strict.url}${RECORDS}`, { headers: { Authorization: TOKEN } });
      expect(raw.status).toBe(401);
      await raw.arrayBuffer();
      expect((await get('', TOKEN, strict)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('login issues a JWT-shaped token; bad credentials 401; missing field 422; tenants log in to their own data', async () => {
    const ok = await login(sim, { email: 'demo@example.com', password: 'demo-password' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ success: true, token_type: 'bearer', expires_in: 3600 });
    const token = ok.json.access_token as string;
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: expect.any(String), jti: expect.any(String) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect((await page('', token)).count).toBe(600);

    expect(await login(sim, { email: 'demo@example.com', password: 'wrong' })).toEqual({
      status: 401,
      json: { success: false, message: 'Invalid credentials' },
    });
    const missing = await login(sim, { login_id: 'demo@example.com', password: 'demo-password' });
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toHaveProperty('email');

    const tenant = await login(sim, { email: 'b@example.com', password: 'pw-b' });
    expect((await page('', tenant.json.access_token as string)).count).toBe(120);
  });

  it('login_id field variant', async () => {
    const uk = await createSimulator({ now: NOW, records: 5, loginField: 'login_id', loginId: 'agent01', password: 'pw' });
    try {
      expect((await login(uk, { login_id: 'agent01', password: 'pw' })).status).toBe(200);
      expect((await login(uk, { email: 'agent01', password: 'pw' })).status).toBe(422);
    } finally {
      await uk.close();
    }
  });

  it('login tokens expire after tokenTtlSeconds; refresh; refreshExpired', async () => {
    const short = await createSimulator({ now: NOW, records: 5, tokenTtlSeconds: 1 });
    const lenient = await createSimulator({ now: NOW, records: 5, tokenTtlSeconds: 1, refreshExpired: true });
    try {
      const creds = { email: 'demo@example.com', password: 'demo-password' };
      const t1 = (await login(short, creds)).json.access_token as string;
      const t2 = (await login(lenient, creds)).json.access_token as string;
      expect((await get('', t1, short)).status).toBe(200);

      const refreshed = await fetch(`${short.url}/v1/auth/refresh`, { method: 'POST', headers: auth(t1) });
      expect(refreshed.status).toBe(200);
      const r1 = ((await refreshed.json()) as { access_token: string }).access_token;
      expect(r1).not.toBe(t1);
      expect((await get('', r1, short)).status).toBe(200);
      expect((await get('', t1, short)).status).toBe(200); // the old token stays valid until its own exp

      await new Promise((r) => setTimeout(r, 1100));
      expect((await get('', t1, short)).status).toBe(401);
      expect((await get('', r1, short)).status).toBe(401);
      const late = await fetch(`${short.url}/v1/auth/refresh`, { method: 'POST', headers: auth(t1) });
      expect(late.status).toBe(401);
      await late.arrayBuffer();

      const revived = await fetch(`${lenient.url}/v1/auth/refresh`, { method: 'POST', headers: auth(t2) });
      expect(revived.status).toBe(200);
      const r2 = ((await revived.json()) as { access_token: string }).access_token;
      expect((await get('', r2, lenient)).status).toBe(200);
      // portal tokens are not refreshable
      const portal = await fetch(`${short.url}/v1/auth/refresh`, { method: 'POST', headers: auth(TOKEN) });
      expect(portal.status).toBe(401);
      await portal.arrayBuffer();
    } finally {
      await short.close();
      await lenient.close();
    }
  });
});

describe('faults', () => {
  let f: Simulator;
  beforeAll(async () => {
    f = await createSimulator({ now: NOW, records: 50 });
  });
  afterAll(() => f.close());

  const reset = () => {
    f.clearFaults();
    f.resetRequests();
  };

  it('status + Retry-After for `times` requests, then normal service', async () => {
    reset();
    f.fault({ path: RECORDS, status: 429, retryAfter: '2', times: 1 });
    const first = await get('', TOKEN, f);
    expect(first.status).toBe(429);
    expect(first.res.headers.get('retry-after')).toBe('2');
    expect(first.body).toEqual({ success: false, message: 'Too Many Attempts.' });
    expect((await get('', TOKEN, f)).status).toBe(200);
    expect(f.count(RECORDS)).toBe(2);
    expect(f.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('raw bodies: malformed JSON and an HTML error page', async () => {
    reset();
    f.fault({ status: 200, body: '{"count": 3, "results": [', times: 1 });
    f.fault({ status: 502, body: '<html><body>Bad Gateway</body></html>', times: 1 });
    const broken = await get('', TOKEN, f);
    expect(broken.status).toBe(200);
    expect(broken.body).toBe('{"count": 3, "results": [');
    const html = await get('', TOKEN, f);
    expect(html.status).toBe(502);
    expect(html.res.headers.get('content-type')).toContain('text/html');
  });

  it('delay, stalled body and dropped connection', async () => {
    reset();
    f.fault({ delayMs: 250, times: 1 });
    let t = Date.now();
    expect((await get('', TOKEN, f)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);

    f.fault({ stallBodyMs: 300, times: 1 });
    t = Date.now();
    const res = await fetch(`${f.url}${RECORDS}`, { headers: auth() });
    const headersAt = Date.now() - t;
    const body = (await res.json()) as CallRecordPageDto;
    expect(headersAt).toBeLessThan(250);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    expect(body.size).toBe(20);

    f.fault({ destroy: true, times: 1 });
    await expect(fetch(`${f.url}${RECORDS}`, { headers: auth() })).rejects.toThrow();
    expect((await get('', TOKEN, f)).status).toBe(200);
  });

  it('wrongShape: results is an object and count a string', async () => {
    reset();
    f.fault({ wrongShape: true, times: 1 });
    const { status, body } = await get('limit=3', TOKEN, f);
    expect(status).toBe(200);
    const b = body as Record<string, unknown>;
    expect(typeof b.count).toBe('string');
    expect(Array.isArray(b.results)).toBe(false);
    expect(Object.keys(b.results as object)).toEqual(['0', '1', '2']);
  });

  it('`when` and `path` select requests; latencyMs applies to all', async () => {
    reset();
    f.fault({ path: RECORDS, when: ({ params }) => params.get('page') === '2', status: 503 });
    f.fault({ path: '/v1/auth/login', status: 500, times: 1 });
    expect((await get('page=1', TOKEN, f)).status).toBe(200);
    expect((await get('page=2', TOKEN, f)).status).toBe(503);
    expect((await get('page=2', TOKEN, f)).status).toBe(503);
    expect((await login(f, { email: 'demo@example.com', password: 'demo-password' })).status).toBe(500);
    expect((await login(f, { email: 'demo@example.com', password: 'demo-password' })).status).toBe(200);
    f.clearFaults();
    f.setOptions({ latencyMs: 150 });
    try {
      const t = Date.now();
      const nf = await fetch(`${f.url}/nowhere`);
      expect(nf.status).toBe(404);
      expect(await nf.json()).toEqual({ success: false, message: 'Not Found' });
      expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    } finally {
      f.setOptions({ latencyMs: 0 });
    }
  });

  it('never records tokens or passwords', async () => {
    const log = JSON.stringify(f.requests.map((r) => ({ ...r, params: r.params.toString() })));
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('demo-password');
    expect(f.requests.some((r) => r.authorized)).toBe(true);
  });
});

describe('live data', () => {
  it('addCall puts a new call on top and shifts pages; a late CDR lands at its start time', async () => {
    const s = await createSimulator({ now: NOW, records: 40 });
    try {
      const before = await page('limit=5', TOKEN, s);
      const added = s.addCall();
      const after = await page('limit=5', TOKEN, s);
      expect(after.count).toBe(before.count + 1);
      expect(after.results[0]).toEqual(added);
      expect(after.results[1]).toEqual(before.results[0]);
      const page2 = await page('limit=5&page=2', TOKEN, s);
      expect(page2.results[0]).toEqual(before.results[4]);

      const older = s.records()[20]!;
      const startEpoch = Date.parse(`${older.date}T${older.time}+05:30`) / 1000 - 30;
      const late = s.addCall({ startEpoch, overrides: { call_id: `${startEpoch}.999`, direction: 'inbound' } });
      expect(late.call_id).toBe(`${startEpoch}.999`);
      expect(late.call_flow?.[0]?.value).toBe(late.call_id);
      const gt = s.records();
      expect(gt.findIndex((r) => r.call_id === late.call_id)).toBe(21);
      const got = await all('', TOKEN, s);
      expect(ids(got)).toEqual(ids(gt));
      expect(got).toHaveLength(42);
    } finally {
      await s.close();
    }
  });

  it('is deterministic for the same seed/now/records and differs across seeds', async () => {
    const a = await createSimulator({ now: NOW, records: 30, seed: 7 });
    const b = await createSimulator({ now: NOW, records: 30, seed: 7 });
    const c = await createSimulator({ now: NOW, records: 30, seed: 8 });
    try {
      expect(a.records()).toEqual(b.records());
      expect(ids(c.records())).not.toEqual(ids(a.records()));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('record shape', () => {
  it('has every field of the vendor sample, with realistic variety', async () => {
    const sampleKeys = Object.keys(sample.results[0]!);
    expect(sampleKeys).toHaveLength(46);
    const body = await page('limit=100');
    for (const r of body.results) expect(Object.keys(r)).toEqual(expect.arrayContaining(sampleKeys));

    expect(truth.every((r) => (typeof r.id === 'string' && /^[0-9a-f]{24}$/.test(r.id)) || Number.isInteger(r.id))).toBe(true);
    expect(truth.every((r) => /^[0-9a-f]{13}$/.test(r.uuid ?? ''))).toBe(true);
    expect(truth.some((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(r.call_id))).toBe(true);
    expect(truth.some((r) => /^h\d\.\d\d-\d+\.\d+$/.test(r.call_id))).toBe(true);
    expect(new Set(truth.map((r) => r.call_id)).size).toBe(truth.length);
    for (const r of truth) {
      if (r.status === 'answered') {
        expect(r.recording_url).toBe(
          `https://console.acefone.in/file/recording?callId=${r.call_id}&type=rec&token=${/token=([0-9a-f]{32})$/.exec(r.recording_url ?? '')?.[1]}`,
        );
      } else {
        expect(r.recording_url).toBeNull();
        expect(r.agent_ring_time).toBe('N.A.');
      }
      expect(r.client_number).toMatch(/^\+91\d{10}$/);
    }
    expect(truth.some((r) => r.circle === null)).toBe(true);
    expect(truth.some((r) => Array.isArray(r.agent_hangup_data))).toBe(true);
    expect(truth.some((r) => r.agent_hangup_data !== null && !Array.isArray(r.agent_hangup_data))).toBe(true);
    expect(truth.some((r) => (r.missed_agents ?? []).length > 0)).toBe(true);
    // bursts: several calls sharing an epoch second in their call_id
    const epochs = truth.map((r) => r.call_id.split('.')[0]);
    expect(new Set(epochs).size).toBeLessThan(epochs.length);
  });

  it('call_flow is polymorphic: string/int/float times, untyped rows, id string or number', () => {
    const rows = truth.flatMap(flowOf);
    expect(rows.some((e) => e.type === 'init' && typeof e.time === 'string')).toBe(true);
    expect(rows.some((e) => e.type === 'Agent' && Number.isInteger(e.time))).toBe(true);
    expect(rows.some((e) => e.type === 'Agent' && 'num' in e)).toBe(true);
    expect(rows.some((e) => e.type === 'Agent' && 'number' in e)).toBe(true);
    expect(rows.some((e) => e.type === 'Agent' && e.id === null && e.dialst === 'Answered')).toBe(true);
    expect(rows.some((e) => e.type === undefined && typeof e.anstime === 'number')).toBe(true);
    const streaming = rows.filter((e) => e.type === 'voice-streaming');
    expect(streaming.some((e) => typeof e.time === 'number' && !Number.isInteger(e.time))).toBe(true);
    expect(streaming.some((e) => e.id === '553')).toBe(true);
    expect(streaming.some((e) => e.id === 553)).toBe(true);
    for (const type of ['ClickToCall', 'hangup', 'IVR', 'Auto+Attendant']) expect(rows.some((e) => e.type === type)).toBe(true);
    expect(rows.some((e) => e.type === 'IVR' && typeof e.dtmf === 'string')).toBe(true);
    expect(rows.some((e) => e.readableTime !== undefined && /^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d$/.test(e.readableTime ?? ''))).toBe(true);
  });

  it('405 for a known path with the wrong method', async () => {
    const res = await fetch(`${sim.url}${RECORDS}`, { method: 'POST', headers: auth() });
    expect(res.status).toBe(405);
    await res.arrayBuffer();
  });
});

/**
 * A faithful, deterministic double of the Acefone call-detail-records REST API on a loopback port:
 * `GET /v1/call/records`, `POST /v1/auth/login`, `POST /v1/auth/refresh`, `POST /v1/auth/logout`,
 * with multi-tenant data, PHP query parsing, Laravel-style errors and scriptable faults.
 * Behaviour choices for everything the upstream leaves unknown are documented in ./README.md.
 *
 * This module never logs and never reads process state or the environment (see ./main.ts for the CLI).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CallRecordDto, CallRecordPageDto } from '../calls/dto.js';
import { WallClock } from './clock.js';
import { buildFilter } from './filters.js';
import type { StoredCall } from './filters.js';
import { buildDirectory, CallFactory, generateStarts } from './generator.js';
import type { AccountDirectory } from './generator.js';
import { parsePhpQuery } from './php-query.js';
import { hashSeed, Random } from './prng.js';
import { TokenIssuer } from './tokens.js';

export interface SimulatorAccount {
  token: string;
  seed?: number;
  records?: number;
  loginId?: string;
  password?: string;
}

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 42: data is fully deterministic given seed + now + records. */
  seed?: number;
  /** Calls generated for the default account, default 2000. */
  records?: number;
  /** ms epoch anchoring the generated data (newest call a few minutes before it); default Date.now(). */
  now?: number;
  /** IANA zone of the account's wall-clock dates, default 'Asia/Kolkata'. */
  timezone?: string;
  /** Static (portal) bearer tokens accepted for the default account; default ['demo-token']. */
  tokens?: string[];
  /** Extra tenants, each with its own token and its own distinct data set. */
  accounts?: SimulatorAccount[];
  /** Credentials accepted by /v1/auth/login for the default account (default 'demo@example.com' / 'demo-password'). */
  loginId?: string;
  password?: string;
  /** Which body field login expects, default 'email'. */
  loginField?: 'email' | 'login_id';
  /** Lifetime of login tokens, default 3600. */
  tokenTtlSeconds?: number;
  /** Whether /v1/auth/refresh accepts an expired (but otherwise valid) login token; default false. */
  refreshExpired?: boolean;
  /** Default 20. */
  defaultLimit?: number;
  /** Clamp: a larger `limit` is served with this many and echoed as `limit`; default 100. */
  maxLimit?: number;
  /** Added to every response, default 0. */
  latencyMs?: number;
  /** Default false: accept both `Bearer <t>` and the raw token. */
  requireBearerPrefix?: boolean;
  /**
   * Addition: when set, `from_date`..`to_date` spans longer than this many days are a 422 on `to_date`.
   * Default undefined: no span limit.
   */
  maxWindowDays?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Raw query string without '?'. */
  query: string;
  params: URLSearchParams;
  /** Whether the request carried a valid, unexpired token (login: whether the credentials were accepted). */
  authorized: boolean;
  /** Status sent; 0 while pending or when the connection was dropped by a `destroy` fault. */
  status: number;
  at: number;
}

export interface Fault {
  /** e.g. '/v1/call/records' or '/v1/auth/login'; default: any. */
  path?: string;
  when?: (req: { params: URLSearchParams; path: string; method: string }) => boolean;
  /** How many matching requests it applies to (default: unlimited). */
  times?: number;
  /** Respond with this status (JSON body `{ "success": false, "message": "..." }` unless body given). */
  status?: number;
  /** Retry-After header value (seconds or HTTP-date). */
  retryAfter?: string;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Raw body to send instead (malformed JSON, HTML error page, ...). */
  body?: string;
  /** Override content-type. */
  contentType?: string;
  /** Send headers + part of a valid body, then stall this long before finishing. */
  stallBodyMs?: number;
  /** Drop the connection without a response (network error). */
  destroy?: boolean;
  /** 200 with a JSON body whose shape is wrong (e.g. results is an object, count a string). */
  wrongShape?: boolean;
}

export interface Simulator {
  /** e.g. 'http://127.0.0.1:43123' */
  url: string;
  /** Every request received, in order (never holds tokens or passwords). */
  requests: RecordedRequest[];
  resetRequests(): void;
  /** Ground truth: the account's records newest first, exactly as the API would order them (deep copies). */
  records(token?: string): CallRecordDto[];
  /** A new call (now), or a late CDR when `startEpoch` (UTC seconds) is in the past; returns the stored record. */
  addCall(init?: { startEpoch?: number; overrides?: Partial<CallRecordDto> }, token?: string): CallRecordDto;
  fault(f: Fault): void;
  clearFaults(): void;
  setOptions(o: Partial<Pick<SimulatorOptions, 'maxLimit' | 'latencyMs' | 'defaultLimit'>>): void;
  /** Counts per path since the last resetRequests(). */
  count(path?: string): number;
  /** TCP connections accepted since start (a client with a keep-alive pool opens few). */
  connections(): number;
  /** Addition: blacklist a portal token or revoke a login token; later requests with it get 401. */
  revokeToken(token: string): void;
  /** Addition: every login token issued so far expires now (later requests with one get 401, as at real expiry). */
  expireLoginTokens(): void;
  close(): Promise<void>;
}

export const RECORDS_PATH = '/v1/call/records';
export const LOGIN_PATH = '/v1/auth/login';
export const REFRESH_PATH = '/v1/auth/refresh';
export const LOGOUT_PATH = '/v1/auth/logout';
const ROUTES: Record<string, string> = {
  [RECORDS_PATH]: 'GET',
  [LOGIN_PATH]: 'POST',
  [REFRESH_PATH]: 'POST',
  [LOGOUT_PATH]: 'POST',
};

interface AccountState {
  index: number;
  directory: AccountDirectory;
  factory: CallFactory;
  /** Newest first: start instant desc, then idKey desc. */
  calls: StoredCall[];
  loginId: string | undefined;
  password: string | undefined;
  userId: string;
}

interface Prepared {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface FaultState {
  fault: Fault;
  remaining: number;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthenticated.',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  422: 'The given data was invalid.',
  429: 'Too Many Attempts.',
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** PHP `json_encode` defaults: `/` escaped as `\/`, non-ASCII as `\uXXXX` (same values once parsed). */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function json(status: number, value: unknown, contentType = 'application/json'): Prepared {
  return { status, headers: { 'content-type': contentType, 'cache-control': 'no-cache, private' }, body: phpJson(value) };
}

function compareStored(a: StoredCall, b: StoredCall): number {
  if (a.startEpoch !== b.startEpoch) return b.startEpoch - a.startEpoch;
  return a.idKey < b.idKey ? 1 : a.idKey > b.idKey ? -1 : 0;
}

function collectIds(record: CallRecordDto, test: (type: string) => boolean): Set<string> {
  const ids = new Set<string>();
  for (const entry of record.call_flow ?? []) {
    const type = typeof entry.type === 'string' ? entry.type : '';
    if (test(type) && entry.id !== null && entry.id !== undefined && entry.id !== '') ids.add(String(entry.id));
  }
  return ids;
}

function storeCall(record: CallRecordDto, startEpoch: number, dir: AccountDirectory): StoredCall {
  const departmentIds = collectIds(record, (t) => t.toLowerCase() === 'department');
  if (typeof record.department_name === 'string') {
    const name = record.department_name.toLowerCase();
    for (const d of dir.departments) if (d.name.toLowerCase() === name) departmentIds.add(d.id);
  }
  return {
    record,
    startEpoch,
    idKey: String(record.id),
    wall: `${record.date ?? ''} ${record.time ?? ''}`,
    agentIds: collectIds(record, (t) => t === 'Agent'),
    departmentIds,
    ivrIds: collectIds(record, (t) => t.toLowerCase().includes('ivr')),
  };
}

function insertSorted(list: StoredCall[], item: StoredCall): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStored(list[mid] as StoredCall, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

/** PHP `intval` on a query value: leading integer digits, else undefined. */
function intParam(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = parseInt(value.trim(), 10);
  return Number.isFinite(n) ? n : undefined;
}

function readBody(req: IncomingMessage, max = 1 << 20): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseLoginBody(body: string, contentType: string | undefined): Record<string, unknown> {
  const asForm = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of parsePhpQuery(body)) if (typeof v === 'string') out[k] = v;
    return out;
  };
  if (contentType?.includes('application/x-www-form-urlencoded')) return asForm();
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return contentType?.includes('json') ? {} : asForm();
  }
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 42;
  const anchorMs = options.now ?? Date.now();
  const createdAtMs = Date.now();
  const clock = new WallClock(options.timezone ?? 'Asia/Kolkata');
  const loginField = options.loginField ?? 'email';
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const requireBearer = options.requireBearerPrefix ?? false;
  const settings = {
    defaultLimit: Math.max(1, Math.floor(options.defaultLimit ?? 20)),
    maxLimit: Math.max(1, Math.floor(options.maxLimit ?? 100)),
    latencyMs: Math.max(0, options.latencyMs ?? 0),
  };
  /** The simulator's data clock: starts at `now` and runs in real time. */
  const virtualNowSec = (): number => Math.floor((anchorMs + (Date.now() - createdAtMs)) / 1000);

  const buildAccount = (index: number, accountSeed: number, records: number, accountId: string, loginId?: string, password?: string): AccountState => {
    const directory = buildDirectory(accountSeed, index, accountId);
    const factory = new CallFactory(new Random(hashSeed('calls', accountSeed, index)), directory, clock, index);
    const nowSec = Math.floor(anchorMs / 1000);
    const starts = generateStarts(new Random(hashSeed('starts', accountSeed, index)), clock, nowSec, Math.max(0, Math.floor(records)));
    const calls = starts.map((start) => {
      const g = factory.build(start, { maxEnd: nowSec - 1 });
      return storeCall(g.record, g.startEpoch, directory);
    });
    calls.sort(compareStored);
    return { index, directory, factory, calls, loginId, password, userId: String(1000 + index * 7 + Math.abs(accountSeed % 1000)) };
  };

  const accounts: AccountState[] = [];
  const staticTokens = new Map<string, AccountState>();
  const defaultAccount = buildAccount(
    0,
    seed,
    options.records ?? 2000,
    'Demo Account',
    options.loginId ?? 'demo@example.com',
    options.password ?? 'demo-password',
  );
  accounts.push(defaultAccount);
  for (const t of options.tokens ?? ['demo-token']) staticTokens.set(t, defaultAccount);
  (options.accounts ?? []).forEach((a, i) => {
    const index = i + 1;
    if (staticTokens.has(a.token)) throw new Error(`simulator: duplicate account token #${index}`);
    const acct = buildAccount(index, a.seed ?? seed + 1000 * index, a.records ?? options.records ?? 2000, `Tenant ${index}`, a.loginId, a.password);
    if (a.loginId !== undefined && accounts.some((x) => x.loginId === a.loginId)) {
      throw new Error(`simulator: duplicate loginId for account #${index}`);
    }
    accounts.push(acct);
    staticTokens.set(a.token, acct);
  });

  const issuer = new TokenIssuer<AccountState>();
  const requests: RecordedRequest[] = [];
  let faults: FaultState[] = [];
  let closed = false;
  let url = '';

  // Timers we own, so close() can release every pending delay/stall at once.
  const pending = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  const wait = (ms: number): Promise<void> => {
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const h = {
        timer: setTimeout(() => {
          pending.delete(h);
          resolve();
        }, ms),
        resolve,
      };
      pending.add(h);
    });
  };

  const bearerToken = (headers: IncomingHttpHeaders): string | undefined => {
    const header = headers.authorization?.trim();
    if (!header) return undefined;
    const m = /^bearer\s+(.+)$/i.exec(header);
    if (m) return m[1]?.trim();
    return requireBearer ? undefined : header;
  };

  type Auth = { account: AccountState; kind: 'static' } | { account: AccountState; kind: 'login'; jti: string; expired: boolean };
  const resolveToken = (token: string | undefined): Auth | undefined => {
    if (!token) return undefined;
    const acct = staticTokens.get(token);
    if (acct) return { account: acct, kind: 'static' };
    const issued = issuer.lookup(token);
    if (issued) return { account: issued.account, kind: 'login', jti: issued.jti, expired: issued.expired };
    return undefined;
  };
  const accountFor = (token?: string): AccountState => {
    if (token === undefined) return defaultAccount;
    const auth = resolveToken(token);
    if (!auth) throw new Error('simulator: unknown token');
    return auth.account;
  };

  const unauthenticated = (): Prepared => json(401, { success: false, message: 'Unauthenticated.' });

  const tokenResponse = (acct: AccountState, path: string): Prepared => {
    const { token, expiresIn } = issuer.issue(acct, acct.userId, tokenTtl, `${url}${path}`);
    return json(200, { success: true, access_token: token, token_type: 'bearer', expires_in: expiresIn });
  };

  const handleRecords = (query: string, headers: IncomingHttpHeaders, entry: RecordedRequest): Prepared => {
    const auth = resolveToken(bearerToken(headers));
    if (!auth || (auth.kind === 'login' && auth.expired)) return unauthenticated();
    entry.authorized = true;
    const params = parsePhpQuery(query);
    const filter = buildFilter(params, options.maxWindowDays === undefined ? {} : { maxWindowDays: options.maxWindowDays });
    if (!filter.ok) return json(422, { message: 'The given data was invalid.', errors: filter.errors });
    const pageAsked = intParam(params.get('page'));
    const page = pageAsked !== undefined && pageAsked >= 1 ? pageAsked : 1;
    const limitAsked = intParam(params.get('limit'));
    const limit = Math.min(limitAsked !== undefined && limitAsked >= 1 ? limitAsked : settings.defaultLimit, settings.maxLimit);
    const matches = auth.account.calls.filter(filter.match);
    const offset = (page - 1) * limit;
    const results = offset < matches.length ? matches.slice(offset, offset + limit).map((c) => c.record) : [];
    const out: CallRecordPageDto = { count: matches.length, limit, size: results.length, page, results };
    return json(200, out);
  };

  const handleLogin = (body: string, headers: IncomingHttpHeaders, entry: RecordedRequest): Prepared => {
    const data = parseLoginBody(body, headers['content-type']);
    const id = data[loginField];
    const password = data.password;
    const errors: Record<string, string[]> = {};
    if (typeof id !== 'string' || id === '') errors[loginField] = [`The ${loginField.replace(/_/g, ' ')} field is required.`];
    if (typeof password !== 'string' || password === '') errors.password = ['The password field is required.'];
    if (Object.keys(errors).length > 0) return json(422, { message: 'The given data was invalid.', errors });
    const acct = accounts.find((a) => a.loginId !== undefined && a.loginId === id && a.password === password);
    if (!acct) return json(401, { success: false, message: 'Invalid credentials' });
    entry.authorized = true;
    return tokenResponse(acct, LOGIN_PATH);
  };

  const handleRefresh = (headers: IncomingHttpHeaders, entry: RecordedRequest): Prepared => {
    const auth = resolveToken(bearerToken(headers));
    if (!auth || auth.kind !== 'login') return unauthenticated();
    if (auth.expired && !(options.refreshExpired ?? false)) return json(401, { success: false, message: 'Token has expired' });
    entry.authorized = !auth.expired;
    return tokenResponse(auth.account, REFRESH_PATH);
  };

  const handleLogout = (headers: IncomingHttpHeaders, entry: RecordedRequest): Prepared => {
    const auth = resolveToken(bearerToken(headers));
    if (!auth || auth.kind !== 'login' || auth.expired) return unauthenticated();
    entry.authorized = true;
    issuer.revoke(auth.jti);
    return json(200, { success: true, message: 'Successfully logged out' });
  };

  const route = (method: string, path: string, query: string, headers: IncomingHttpHeaders, body: string, entry: RecordedRequest): Prepared => {
    const allowed = ROUTES[path];
    if (allowed === undefined) return json(404, { success: false, message: 'Not Found' });
    const m = method === 'HEAD' ? 'GET' : method;
    if (m !== allowed) {
      const r = json(405, { success: false, message: 'Method Not Allowed' });
      r.headers.allow = allowed === 'GET' ? 'GET, HEAD' : allowed;
      return r;
    }
    if (path === RECORDS_PATH) return handleRecords(query, headers, entry);
    if (path === LOGIN_PATH) return handleLogin(body, headers, entry);
    if (path === REFRESH_PATH) return handleRefresh(headers, entry);
    return handleLogout(headers, entry);
  };

  const takeFault = (method: string, path: string, params: URLSearchParams): Fault | undefined => {
    for (const state of faults) {
      if (state.remaining <= 0) continue;
      if (state.fault.path !== undefined && state.fault.path !== path) continue;
      if (state.fault.when && !state.fault.when({ params, path, method })) continue;
      state.remaining--;
      return state.fault;
    }
    return undefined;
  };

  const wrongShape = (prepared: Prepared, path: string): Prepared => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(prepared.body);
    } catch {
      parsed = undefined;
    }
    const obj = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    if (path === RECORDS_PATH) {
      const results: Record<string, unknown> = {};
      (Array.isArray(obj.results) ? obj.results : []).forEach((r: unknown, i) => {
        results[String(i)] = r;
      });
      return json(200, {
        count: String(obj.count ?? 0),
        limit: String(obj.limit ?? settings.defaultLimit),
        size: obj.size ?? 0,
        page: String(obj.page ?? 1),
        results,
      });
    }
    if (path === LOGIN_PATH || path === REFRESH_PATH) {
      return json(200, { success: 'true', access_token: { token: obj.access_token ?? null }, token_type: null, expires_in: String(tokenTtl) });
    }
    return json(200, { success: 'true', data: { results: {} } });
  };

  const faultResponse = (f: Fault): Prepared => {
    const status = f.status ?? 200;
    if (f.body !== undefined) {
      const type = f.contentType ?? (f.body.trimStart().startsWith('<') ? 'text/html; charset=UTF-8' : 'application/json');
      return { status, headers: { 'content-type': type }, body: f.body };
    }
    return json(status, { success: false, message: REASONS[status] ?? 'Error' }, f.contentType);
  };

  const send = async (res: ServerResponse, prepared: Prepared, stallMs: number): Promise<void> => {
    const buf = Buffer.from(prepared.body, 'utf8');
    const headers = { ...prepared.headers, 'content-length': String(buf.length) };
    res.writeHead(prepared.status, headers);
    if (stallMs > 0 && buf.length > 1) {
      res.write(buf.subarray(0, Math.floor(buf.length / 2)));
      await wait(stallMs);
      if (closed || res.destroyed) return;
      res.end(buf.subarray(Math.floor(buf.length / 2)));
      return;
    }
    res.end(buf);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1).replace(/#.*$/, '');
    const params = new URLSearchParams(query);
    const entry: RecordedRequest = { method, path, query, params, authorized: false, status: 0, at: Date.now() };
    requests.push(entry);
    const fault = takeFault(method, path, params);
    const body = await readBody(req);
    await wait(settings.latencyMs + (fault?.delayMs ?? 0));
    if (closed || res.destroyed) return;
    if (fault?.destroy) {
      req.socket.destroy();
      return;
    }
    let prepared = route(method, path, query, req.headers, body, entry);
    if (fault?.wrongShape) prepared = wrongShape(prepared, path);
    if (fault && (fault.status !== undefined || fault.body !== undefined)) prepared = faultResponse(fault);
    else if (fault?.contentType !== undefined) prepared.headers['content-type'] = fault.contentType;
    if (fault?.retryAfter !== undefined) prepared.headers['retry-after'] = fault.retryAfter;
    entry.status = prepared.status;
    await send(res, prepared, fault?.stallBodyMs ?? 0);
  };

  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(phpJson({ success: false, message: 'Server Error' }));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    requests,
    resetRequests() {
      requests.length = 0;
    },
    records(token?: string) {
      return accountFor(token).calls.map((c) => structuredClone(c.record));
    },
    addCall(init = {}, token?: string) {
      const acct = accountFor(token);
      const nowSec = virtualNowSec();
      const start = Math.floor(init.startEpoch ?? nowSec);
      const generated = acct.factory.build(start, { insertedAt: Math.max(nowSec, start) });
      const record = generated.record;
      const overrides = init.overrides ?? {};
      const oldCallId = record.call_id;
      Object.assign(record, overrides);
      if (overrides.call_id !== undefined && overrides.call_id !== oldCallId) {
        if (overrides.call_flow === undefined) {
          for (const e of record.call_flow ?? []) if (e.type === 'init') e.value = record.call_id;
        }
        if (overrides.recording_url === undefined && typeof record.recording_url === 'string') {
          record.recording_url = record.recording_url.replace(`callId=${oldCallId}&`, `callId=${record.call_id}&`);
        }
      }
      insertSorted(acct.calls, storeCall(record, start, acct.directory));
      return structuredClone(record);
    },
    fault(f: Fault) {
      faults.push({ fault: f, remaining: f.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      faults = [];
    },
    setOptions(o) {
      if (o.maxLimit !== undefined) settings.maxLimit = Math.max(1, Math.floor(o.maxLimit));
      if (o.defaultLimit !== undefined) settings.defaultLimit = Math.max(1, Math.floor(o.defaultLimit));
      if (o.latencyMs !== undefined) settings.latencyMs = Math.max(0, o.latencyMs);
    },
    count(path?: string) {
      return path === undefined ? requests.length : requests.filter((r) => r.path === path).length;
    },
    connections() {
      return accepted;
    },
    revokeToken(token: string) {
      if (staticTokens.delete(token)) return;
      const issued = issuer.lookup(token);
      if (issued) issuer.revoke(issued.jti);
    },
    expireLoginTokens() {
      issuer.expireAll();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const h of pending) {
        clearTimeout(h.timer);
        h.resolve();
      }
      pending.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}

/**
 * The floor: what a plain HTTP+JSON proxy costs per query, with no GraphQL. Per request it makes the same
 * upstream GETs as the gateway (keep-alive, same concurrency), parses each body, projects the same fields and
 * serialises the answer. `npm run bench` runs it as its own process so its CPU is measured alone.
 *
 *   GET  /list?first=20                  one page                                  (callRecords(first: 20))
 *   GET  /list?first=250&to=<Y-m-d H:i:s> the gateway's 3 concurrent pages, skip 1  (callRecords(first: 250, after))
 *   GET  /list?first=20&upto=<Y-m-d H:i:s> one page up to that time             (callRecords(first: 20, filter: { to }))
 *   POST /lookups {"ids": [...]}          one GET per id, 6 at a time              (50 aliased callRecord)
 *
 * Env: UPSTREAM_URL, UPSTREAM_TOKEN, PORT, CONCURRENCY (6), MAX_CONNECTIONS (32), FLOOR_CLIENT (`fetch`, the
 * plain proxy's client; `request`: undici's `request()`, the transport the gateway uses). Plain erasable TypeScript
 * with no relative imports, so Node runs it as is.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';

type Row = Record<string, unknown>;

const upstream = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010';
const token = process.env.UPSTREAM_TOKEN ?? 'demo-token';
const concurrency = Number(process.env.CONCURRENCY ?? 6);
const dispatcher = new Agent({ connections: Number(process.env.MAX_CONNECTIONS ?? 32), keepAliveTimeout: 30_000 });

const useRequest = process.env.FLOOR_CLIENT === 'request';

async function get(params: Array<[string, string]>): Promise<{ count: number; results: Row[] }> {
  if (useRequest) {
    const res = await request(`${upstream}/v1/call/records?${new URLSearchParams(params)}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      dispatcher,
    });
    if (res.statusCode !== 200) throw new Error(`upstream ${res.statusCode}`);
    return (await res.body.json()) as { count: number; results: Row[] };
  }
  const res = await fetch(`${upstream}/v1/call/records?${new URLSearchParams(params)}`, {
    headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    dispatcher,
  } as RequestInit);
  if (!res.ok) throw new Error(`upstream ${res.status}`);
  return (await res.json()) as { count: number; results: Row[] };
}

const obj = (v: unknown): Row | null => (typeof v === 'object' && v !== null ? (v as Row) : null);

/** The fields the list query selects (15 fields, circle and call flow). */
function listFields(r: Row): Row {
  const circle = obj(r.circle);
  return {
    callId: r.call_id,
    id: r.id,
    startedAt: `${String(r.date)} ${String(r.time)}`,
    endedAt: r.end_stamp,
    direction: r.direction,
    status: r.status,
    clientNumber: r.client_number,
    agentName: r.agent_name,
    agentNumber: r.agent_number,
    didNumber: r.did_number,
    departmentName: r.department_name,
    callDuration: r.call_duration,
    answeredSeconds: r.answered_seconds,
    hangupCause: r.hangup_cause,
    circle: circle && { operator: circle.operator, circle: circle.circle },
    callFlow: (Array.isArray(r.call_flow) ? (r.call_flow as Row[]) : []).map((e) => ({
      type: e.type,
      time: e.time,
      name: e.name,
      number: e.num ?? e.number,
    })),
  };
}

/** The fields each lookup selects. */
function lookupFields(r: Row): Row {
  return {
    callId: r.call_id,
    startedAt: `${String(r.date)} ${String(r.time)}`,
    direction: r.direction,
    status: r.status,
    clientNumber: r.client_number,
    agentName: r.agent_name,
    callDuration: r.call_duration,
    answeredSeconds: r.answered_seconds,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function list(url: URL): Promise<unknown> {
  const first = Number(url.searchParams.get('first') ?? 20);
  const to = url.searchParams.get('to');
  const upto = url.searchParams.get('upto');
  if (upto) {
    const page = await get([['to_date', upto], ['page', '1'], ['limit', String(first)]]);
    return { count: page.count, nodes: page.results.map(listFields) };
  }
  if (!to) {
    const page = await get([['page', '1'], ['limit', String(first)]]);
    return { count: page.count, nodes: page.results.map(listFields) };
  }
  // After a cursor: the gateway skips the cursor's own record, so it needs first + 1 rows: 3 pages of 84.
  const limit = Math.ceil((first + 1) / 3);
  const pages = await Promise.all(
    [1, 2, 3].map((p) => get([['to_date', to], ['page', String(p)], ['limit', String(limit)]])),
  );
  const rows = pages.flatMap((p) => p.results).slice(1, first + 1);
  return { nodes: rows.map(listFields) };
}

async function lookups(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const { ids } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ids: string[] };
  const records = await mapLimit(ids, concurrency, async (id) => {
    const page = await get([['call_id', id], ['page', '1'], ['limit', '1']]);
    const r = page.results.find((x) => x.call_id === id);
    return r ? lookupFields(r) : null;
  });
  return { records };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://floor');
  let body: unknown;
  if (url.pathname === '/healthz') body = { status: 'ok' };
  else if (url.pathname === '/list') body = await list(url);
  else if (url.pathname === '/lookups' && req.method === 'POST') body = await lookups(req);
  else {
    res.writeHead(404).end();
    return;
  }
  const text = JSON.stringify({ data: body });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 4020), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

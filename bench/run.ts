/**
 * `npm run bench`: the gateway's cost on top of its upstream, next to a plain HTTP+JSON proxy (the floor).
 *
 * The simulator runs in this process (so upstream requests and new TCP connections are counted where they
 * arrive); the built gateway (dist/main.js) and the floor proxy (bench/floor.ts) run as their own processes, and
 * their CPU time and peak RSS are read from /proc, from outside. autocannon drives the load. Every ratio is taken
 * inside one round; the table shows the median of BENCH_ROUNDS rounds.
 *
 * Env: BENCH_ROUNDS (3), BENCH_DURATION seconds per measurement (5), BENCH_CONNECTIONS (8), BENCH_ONLY (comma
 * list of scenario names), GATEWAY_ENV (extra `K=V,K=V` for the gateway), GATEWAY_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile it), BENCH_JSON (file for the raw rounds), BENCH_FLOOR_CLIENT (`fetch`, or
 * `request` for a floor on undici's request(), the gateway's transport), BENCH_CHILD_STDOUT (any value: the
 * gateway's and the floor's stdout on this one's, e.g. with GATEWAY_NODE_ARGS=--trace-gc), BENCH_MEMORY_LIMIT (MiB:
 * each child in its own memory cgroup of that limit, as in a container; Node sizes V8's heap from it; needs root
 * and a cgroup v1 or v2 memory controller). Linux only (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import autocannon from 'autocannon';
import { createSimulator, type Simulator } from '../src/simulator/index.js';
import { LIST_QUERY, LIST_TO_QUERY, clusteredSets, distinctSets, lookupQuery, spreadSets, wallClock } from './scenarios.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const TOKEN = 'demo-token';
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const RECORDS = 2000;
const TICK_MS = 1000 / 100; // USER_HZ: 100 on every Linux this runs on
const MEMORY_LIMIT_MIB = process.env.BENCH_MEMORY_LIMIT ? Number(process.env.BENCH_MEMORY_LIMIT) : undefined;
if (MEMORY_LIMIT_MIB !== undefined && !(Number.isInteger(MEMORY_LIMIT_MIB) && MEMORY_LIMIT_MIB >= 128))
  throw new Error(`BENCH_MEMORY_LIMIT is MiB, a whole number of at least 128 (got "${process.env.BENCH_MEMORY_LIMIT}")`);

const root = new URL('../', import.meta.url);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  name: string;
  url: string;
  child: ChildProcess;
}

/**
 * A memory cgroup limited to `mib` (cgroup v2 `memory.max`, else v1 `memory.limit_in_bytes`), as a container's
 * limit: Node reads it at start (`process.constrainedMemory()`) and sizes V8's heap, young generation included,
 * from it. Returns the cgroup's directory; it is removed once its process has exited. Swap is not limited. On
 * cgroup v2 the memory controller must be enabled for the root's children (`cgroup.subtree_control`), which
 * a container's own cgroup namespace may not allow.
 */
function memoryCgroup(name: string, mib: number): string {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const dir = `${v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/memory'}/cdr-bench-${name.replace(/\W+/g, '-')}-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${v2 ? 'memory.max' : 'memory.limit_in_bytes'}`, String(mib * 1024 * 1024));
  return dir;
}

async function startProcess(name: string, args: string[], env: Record<string, string>, port: number, url: string): Promise<Proc> {
  const cgroup = MEMORY_LIMIT_MIB === undefined ? undefined : memoryCgroup(name, MEMORY_LIMIT_MIB);
  // In a cgroup, a shell joins it and then becomes node, so node starts inside its limit.
  const [command, argv] = cgroup
    ? ['/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    cwd: root,
    // As deployed (the Dockerfile sets NODE_ENV=production; graphql-js runs its slower checks without it).
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', process.env.BENCH_CHILD_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  if (cgroup)
    child.once('exit', () =>
      setTimeout(() => {
        try {
          rmdirSync(cgroup);
        } catch {
          // still busy: a leftover empty cgroup is harmless
        }
      }, 100),
    );
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return { name, url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${name} did not start`);
}

/** CPU time (user + system) of a process (a pid) or of one of its threads (`<pid>/task/<tid>`), in ms. */
function cpuMs(proc: number | string): number {
  const stat = readFileSync(`/proc/${proc}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU time (user + system, ms) of a process's V8 helper threads: the parallel and concurrent garbage collector
 * (and background compilation), which the process's CPU time includes but a main-thread profile does not show.
 */
function helperCpuMs(pid: number): number {
  let ms = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('V8')) continue;
      ms += cpuMs(`${pid}/task/${tid}`);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ms;
}

function memMiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** Resets the process's peak RSS (VmHWM) to its current RSS. */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the peak then covers the process's life so far
  }
}

interface Load {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** A new body (or path) per request, so ids rotate. */
  next: () => { path?: string; body?: string };
}

interface Measure {
  queries: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  cpuPerQuery: number;
  /** Of which on V8's helper threads (GC). */
  helperCpuPerQuery: number;
  upstreamPerQuery: number;
  connsPerQuery: number;
  peakRssMiB: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function drive(base: string, load: Load, connections: number, opts: { duration: number } | { amount: number }): Promise<{ times: number[]; errors: number; seconds: number }> {
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  let finished!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finished = (error) => (error ? reject(error) : resolve());
  });
  const instance = autocannon({
    url: base,
    connections,
    ...opts,
    requests: [
      {
        method: load.method,
        path: load.path,
        headers: { 'content-type': 'application/json', ...load.headers },
        setupRequest: (req) => {
          const n = load.next();
          return { ...req, ...(n.path ? { path: n.path } : {}), ...(n.body ? { body: n.body } : {}) };
        },
      },
    ],
  }, (error) => finished(error));
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) times.push(responseTime);
    else errors++;
  });
  instance.on('reqError', () => errors++);
  await done;
  return { times: times.sort((a, b) => a - b), errors, seconds: (performance.now() - started) / 1000 };
}

/** Waits until the upstream has seen no new request for 300 ms (requests of a finished run still in flight). */
async function settle(sim: Simulator): Promise<void> {
  let last = -1;
  while (sim.requests.length !== last) {
    last = sim.requests.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * One measurement: a warm-up, then a fixed number of queries (`amount`, or what the warm-up's rate gives in
 * `duration`), all of them answered before the counters are read, so no query's work falls outside its window.
 */
async function measure(
  sim: Simulator,
  target: Proc,
  load: Load,
  connections: number,
  opts: { amount?: number; duration?: number; warm?: boolean } = {},
): Promise<Measure> {
  // A warm-up (which also refills the keep-alive pools after the other target's turn) that sizes the run.
  let amount = opts.amount ?? 0;
  if (opts.warm !== false) {
    const warm = await drive(target.url, load, connections, { duration: opts.amount === undefined ? 1 : 0.5 });
    await settle(sim);
    amount ||= Math.max(connections * 4, Math.round((warm.times.length / warm.seconds) * (opts.duration ?? DURATION)));
  }
  const pid = target.child.pid!;
  resetPeak(pid);
  sim.resetRequests();
  const conns0 = sim.connections();
  const cpu0 = cpuMs(pid);
  const helper0 = helperCpuMs(pid);
  const run = await drive(target.url, load, connections, { amount });
  const cpu = cpuMs(pid) - cpu0;
  const helper = helperCpuMs(pid) - helper0;
  const queries = run.times.length + run.errors;
  return {
    queries,
    errors: run.errors,
    rps: queries / run.seconds,
    p50: percentile(run.times, 50),
    p99: percentile(run.times, 99),
    cpuPerQuery: cpu / queries,
    helperCpuPerQuery: helper / queries,
    upstreamPerQuery: sim.count('/v1/call/records') / queries,
    connsPerQuery: (sim.connections() - conns0) / queries,
    peakRssMiB: memMiB(pid, 'VmHWM'),
  };
}

/** Sums two measurements of the same load (rates and latencies weighted by queries, peaks maxed). */
function combine(a: Measure, b: Measure): Measure {
  const q = a.queries + b.queries;
  const w = (k: 'rps' | 'p50' | 'p99' | 'cpuPerQuery' | 'helperCpuPerQuery' | 'upstreamPerQuery' | 'connsPerQuery') =>
    (a[k] * a.queries + b[k] * b.queries) / q;
  return {
    queries: q,
    errors: a.errors + b.errors,
    rps: w('rps'),
    p50: w('p50'),
    p99: w('p99'),
    cpuPerQuery: w('cpuPerQuery'),
    helperCpuPerQuery: w('helperCpuPerQuery'),
    upstreamPerQuery: w('upstreamPerQuery'),
    connsPerQuery: w('connsPerQuery'),
    peakRssMiB: Math.max(a.peakRssMiB, b.peakRssMiB),
  };
}

/**
 * Gateway and floor under the same load, interleaved (gateway, floor, gateway, floor; half the time each) so
 * that the other work on a shared machine weighs on both alike.
 */
async function pair(sim: Simulator, gateway: Proc, floor: Proc, g: Load, f: Load): Promise<{ gw: Measure; floor: Measure }> {
  const half = { duration: DURATION / 2 };
  const gw1 = await measure(sim, gateway, g, CONNECTIONS, half);
  const fl1 = await measure(sim, floor, f, CONNECTIONS, half);
  const gw2 = await measure(sim, gateway, g, CONNECTIONS, { amount: gw1.queries });
  const fl2 = await measure(sim, floor, f, CONNECTIONS, { amount: fl1.queries });
  return { gw: combine(gw1, gw2), floor: combine(fl1, fl2) };
}

const gqlLoad = (next: () => { query: string; variables?: Record<string, unknown> }): Load => ({
  method: 'POST',
  path: '/graphql',
  next: () => ({ body: JSON.stringify(next()) }),
});

/** Checks a scenario's first answer, so a broken query can never pass for a fast one. */
async function check(target: Proc, load: Load, expect: (body: { data?: Record<string, unknown>; errors?: unknown[] }) => boolean): Promise<void> {
  const n = load.next();
  const res = await fetch(`${target.url}${n.path ?? load.path}`, {
    method: load.method,
    headers: { 'content-type': 'application/json' },
    ...(n.body ? { body: n.body } : {}),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!res.ok || body.errors || !expect(body))
    throw new Error(`${target.name}: unexpected answer ${JSON.stringify(body).slice(0, 300)}`);
}

type Row = Record<string, number>;

async function round(sim: Simulator, gateway: Proc, cached: Proc, floor: Proc, direct: Proc): Promise<Record<string, Row>> {
  const out: Record<string, Row> = {};
  const want = (name: string) => !ONLY || ONLY.includes(name);
  const records = sim.records();
  const cycle = <T>(items: T[]) => {
    let i = 0;
    return () => items[i++ % items.length]!;
  };
  const put = (name: string, m: Measure, prefix: string) => {
    const row = (out[name] ??= {});
    for (const [k, v] of Object.entries(m)) row[`${prefix}.${k}`] = v;
  };

  // Throughput scenarios, upstream with no added latency.
  sim.setOptions({ latencyMs: 0 });
  if (want('list20')) {
    const g = gqlLoad(() => ({ query: LIST_QUERY, variables: { first: 20 } }));
    const f: Load = { method: 'GET', path: '/list?first=20', next: () => ({}) };
    await check(gateway, g, (b) => ((b.data!.callRecords as { edges: unknown[] }).edges.length === 20));
    await check(floor, f, (b) => ((b.data!.nodes as unknown[]).length === 20));
    const m = await pair(sim, gateway, floor, g, f);
    put('list20', m.gw, 'gw');
    put('list20', m.floor, 'floor');
  }

  if (want('list20distinct')) {
    // list20 with a different `to` per query: every query needs its own upstream page, so none can join
    // another's read in flight (list20's identical queries do). The simulator's zone is Asia/Kolkata.
    const tos = records.slice(100, 1100);
    const gTo = cycle(tos);
    const fTo = cycle(tos);
    const g = gqlLoad(() => {
      const r = gTo();
      return { query: LIST_TO_QUERY, variables: { first: 20, to: `${r.date}T${r.time}+05:30` } };
    });
    const f: Load = { method: 'GET', path: '/list', next: () => ({ path: `/list?first=20&upto=${encodeURIComponent(wallClock(fTo()))}` }) };
    // Both answer the same 20 records for the same `to` (the cycles start together).
    let ids: unknown[] = [];
    await check(gateway, g, (b) => (ids = (b.data!.callRecords as { edges: Array<{ node: { callId: unknown } }> }).edges.map((e) => e.node.callId)).length === 20);
    await check(floor, f, (b) => JSON.stringify((b.data!.nodes as Array<{ callId: unknown }>).map((n) => n.callId)) === JSON.stringify(ids));
    const m = await pair(sim, gateway, floor, g, f);
    put('list20distinct', m.gw, 'gw');
    put('list20distinct', m.floor, 'floor');
  }

  // first: 250 after the cursor of the 20th record.
  const cursorRes = (await (
    await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LIST_QUERY, variables: { first: 20 } }),
    })
  ).json()) as { data: { callRecords: { pageInfo: { endCursor: string } } } };
  const cursor = cursorRes.data.callRecords.pageInfo.endCursor;
  const twentieth = records[19]!;
  const g250 = gqlLoad(() => ({ query: LIST_QUERY, variables: { first: 250, after: cursor } }));
  const f250: Load = { method: 'GET', path: `/list?first=250&to=${encodeURIComponent(wallClock(twentieth))}`, next: () => ({}) };
  if (want('first250')) {
    await check(gateway, g250, (b) => ((b.data!.callRecords as { edges: unknown[] }).edges.length === 250));
    await check(floor, f250, (b) => ((b.data!.nodes as unknown[]).length === 250));
    const m = await pair(sim, gateway, floor, g250, f250);
    put('first250', m.gw, 'gw');
    put('first250', m.floor, 'floor');
  }

  const lookupScenarios: Array<[string, string[][]]> = [
    ['lookups50', distinctSets(records, 50)],
    ['clustered50', clusteredSets(records, 50)],
    ['spread50', spreadSets(records, 50)],
  ];
  for (const [name, sets] of lookupScenarios) {
    if (!want(name)) continue;
    const gSets = cycle(sets);
    const fSets = cycle(sets);
    const g = gqlLoad(() => {
      const ids = gSets();
      return { query: lookupQuery(ids.length), variables: Object.fromEntries(ids.map((id, i) => [`id${i}`, id])) };
    });
    const f: Load = { method: 'POST', path: '/lookups', next: () => ({ body: JSON.stringify({ ids: fSets() }) }) };
    await check(gateway, g, (b) => Object.values(b.data!).every((r) => r !== null));
    await check(floor, f, (b) => (b.data!.records as unknown[]).every((r) => r !== null));
    const m = await pair(sim, gateway, floor, g, f);
    put(name, m.gw, 'gw');
    put(name, m.floor, 'floor');
  }

  // 200 clients at once asking for the same id (a new id per burst), upstream 20 ms away.
  if (want('same200')) {
    sim.setOptions({ latencyMs: 20 });
    const ids = distinctSets(records, 1).map((s) => s[0]!);
    let burst = 0;
    const rows: Measure[] = [];
    for (let b = 0; b < 3; b++) {
      const id = ids[(burst++ * 7919) % ids.length]!;
      const g = gqlLoad(() => ({ query: lookupQuery(1), variables: { id0: id } }));
      rows.push(await measure(sim, cached, g, 200, { amount: 200, warm: false }));
    }
    const m = rows.sort((a, b) => a.upstreamPerQuery - b.upstreamPerQuery)[1]!;
    put('same200', { ...m, upstreamPerQuery: m.upstreamPerQuery * 200 }, 'gw');
  }

  // Added latency: one client, upstream 20 ms away.
  if (want('latency')) {
    sim.setOptions({ latencyMs: 20 });
    const one = {};
    const g = gqlLoad(() => ({ query: LIST_QUERY, variables: { first: 20 } }));
    const f: Load = { method: 'GET', path: '/list?first=20', next: () => ({}) };
    const d: Load = {
      method: 'GET',
      path: '/v1/call/records?page=1&limit=20',
      headers: { authorization: `Bearer ${TOKEN}` },
      next: () => ({}),
    };
    const up = await measure(sim, direct, d, 1, one);
    const gw = await measure(sim, gateway, g, 1, one);
    const fl = await measure(sim, floor, f, 1, one);
    const gw250 = await measure(sim, gateway, g250, 1, one);
    out.latency = {
      'upstream.p50': up.p50,
      'gw.p50': gw.p50,
      'floor.p50': fl.p50,
      'gw.added': gw.p50 - up.p50,
      'floor.added': fl.p50 - up.p50,
      'gw250.p50': gw250.p50,
      'gw250.overSinglePage': gw250.p50 - gw.p50,
      'gw250.upstreamPerQuery': gw250.upstreamPerQuery,
      // At one client a query's CPU is on its critical path: compare it with the added latency.
      'gw.cpuPerQuery': gw.cpuPerQuery,
      'floor.cpuPerQuery': fl.cpuPerQuery,
    };
    sim.setOptions({ latencyMs: 0 });
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

function report(rounds: Array<Record<string, Row>>, idleRss: Record<string, number>): string {
  const med = (scenario: string, key: string) => {
    const xs = rounds.map((r) => r[scenario]?.[key]).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  /** Median of the per-round ratios, with their range: the spread says how far to trust the median. */
  const ratio = (scenario: string) => {
    const xs = rounds
      .map((r) => (r[scenario] ? r[scenario]['gw.cpuPerQuery']! / r[scenario]['floor.cpuPerQuery']! : undefined))
      .filter((x): x is number => x !== undefined);
    if (!xs.length) return '–';
    return xs.length > 1 ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})` : fmt(xs[0]);
  };
  const lines: string[] = [];
  lines.push(`${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}, ${rounds.length} rounds × ${DURATION}s, ${CONNECTIONS} connections, floor on ${process.env.BENCH_FLOOR_CLIENT === 'request' ? "undici's request()" : 'fetch'}${MEMORY_LIMIT_MIB === undefined ? '' : `, each in a ${MEMORY_LIMIT_MIB} MiB memory cgroup`}, medians (CPU × floor: median of the rounds' ratios, and their range)`);
  lines.push('');
  lines.push('| scenario | target | RPS | p50 ms | p99 ms | CPU ms/query | of which GC threads | CPU × floor | upstream req/query | new upstream conns/query | peak RSS MiB |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of ['list20', 'list20distinct', 'first250', 'lookups50', 'clustered50', 'spread50', 'same200']) {
    for (const t of ['gw', 'floor']) {
      if (med(s, `${t}.queries`) === undefined) continue;
      const x = (k: string, d = 2) => fmt(med(s, `${t}.${k}`), d);
      const label = s === 'same200' ? 'same200 (per burst of 200)' : s;
      lines.push(
        `| ${label} | ${t === 'gw' ? 'gateway' : 'floor'} | ${x('rps', 0)} | ${x('p50')} | ${x('p99')} | ${x('cpuPerQuery', 3)} | ${x('helperCpuPerQuery', 3)} | ${t === 'gw' && s !== 'same200' ? ratio(s) : ''} | ${x('upstreamPerQuery', 2)} | ${x('connsPerQuery', 3)} | ${x('peakRssMiB', 0)} |`,
      );
    }
  }
  if (med('latency', 'gw.p50') !== undefined) {
    lines.push('');
    lines.push('One client, upstream 20 ms away, 20 records (p50, ms):');
    lines.push('');
    lines.push('| upstream direct | floor | gateway | floor added | gateway added | gateway first:250 after cursor | first:250 over single page | first:250 upstream req |');
    lines.push('|---|---|---|---|---|---|---|---|');
    const l = (k: string, d = 2) => fmt(med('latency', k), d);
    lines.push(`| ${l('upstream.p50')} | ${l('floor.p50')} | ${l('gw.p50')} | +${l('floor.added')} | +${l('gw.added')} | ${l('gw250.p50')} | +${l('gw250.overSinglePage')} | ${l('gw250.upstreamPerQuery', 1)} |`);
    lines.push('');
    lines.push(`CPU per query at one client (20 records): gateway ${l('gw.cpuPerQuery', 3)} ms, floor ${l('floor.cpuPerQuery', 3)} ms.`);
  }
  lines.push('');
  lines.push(`Idle RSS after start: gateway ${fmt(idleRss.gateway, 0)} MiB, floor ${fmt(idleRss.floor, 0)} MiB.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const sim = await createSimulator({ now: NOW, records: RECORDS, tokens: [TOKEN] });
  const floorPort = await freePort();
  const extra = Object.fromEntries(
    (process.env.GATEWAY_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]),
  );
  const startGateway = async (name: string, env: Record<string, string>) => {
    const port = await freePort();
    return startProcess(
      name,
      [...(process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/main.js'],
      {
        ACEFONE_API_TOKEN: TOKEN,
        ACEFONE_BASE_URL: sim.url,
        // Measure the gateway, not its protections: no pacing of the one credential, and room for 50 aliases.
        ACEFONE_RATE_LIMIT: '100000',
        GRAPHQL_MAX_ALIASES: '50',
        GRAPHQL_MAX_TOKENS: '5000',
        ...env,
        ...extra,
      },
      port,
      `http://127.0.0.1:${port}`,
    );
  };
  // The lookup scenarios rotate over 2,000 ids, which would come back within the 5 s record cache: the
  // throughput gateway has it off, so every lookup is planned and fetched like the floor's. same200 (one id per
  // burst, never seen before) runs on a second gateway with the defaults, cache included.
  const gateway = await startGateway('gateway', { CALL_CACHE_TTL_MS: '0' });
  const cached = await startGateway('gateway (defaults)', {});
  const floor = await startProcess(
    'floor',
    ['--disable-warning=ExperimentalWarning', 'bench/floor.ts'],
    { UPSTREAM_URL: sim.url, UPSTREAM_TOKEN: TOKEN, FLOOR_CLIENT: process.env.BENCH_FLOOR_CLIENT ?? 'fetch' },
    floorPort,
    `http://127.0.0.1:${floorPort}`,
  );
  const direct: Proc = { name: 'upstream', url: sim.url, child: { pid: process.pid } as ChildProcess };
  const idleRss = { gateway: memMiB(gateway.child.pid!, 'VmRSS'), floor: memMiB(floor.child.pid!, 'VmRSS') };
  const rounds: Array<Record<string, Row>> = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      process.stderr.write(`round ${r + 1}/${ROUNDS}\n`);
      rounds.push(await round(sim, gateway, cached, floor, direct));
    }
  } finally {
    const exited = [gateway, cached].map((g) => new Promise((r) => g.child.once('exit', r)));
    for (const child of [gateway.child, cached.child, floor.child]) child.kill('SIGTERM');
    await Promise.all(exited);
    await sim.close();
  }
  process.stdout.write(`${report(rounds, idleRss)}\n`);
  if (process.env.BENCH_JSON) {
    // What the run was, so saved runs can be told apart: the gateway's node flags, its env, the memory limit.
    const setup = { gatewayNodeArgs: process.env.GATEWAY_NODE_ARGS ?? '', gatewayEnv: extra, memoryLimitMiB: MEMORY_LIMIT_MIB ?? null };
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ setup, rounds, idleRss }, null, 1));
  }
}

await main();

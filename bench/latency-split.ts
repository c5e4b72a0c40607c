/**
 * `npm run bench:latency`: where one query's added latency goes, at one client with the upstream 20 ms away (the
 * issue's added-latency scenario, 20 records). The built gateway runs with bench/latency-marks.ts preloaded; the
 * simulator runs here, where its own arrival and answer are marked on the same monotonic clock. Prints the
 * median of each stretch of a query's path, and the floor's in and out for comparison.
 *
 * Env: LATENCY_QUERIES (timed queries, 700), LATENCY_WARMUP (300). Run `npm run build` first. Linux only.
 */
import { spawn } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Agent, request } from 'undici';
import { createSimulator } from '../src/simulator/index.js';
import { LIST_QUERY } from './scenarios.js';

const TOKEN = 'demo-token';
const QUERIES = Number(process.env.LATENCY_QUERIES ?? 700);
const WARMUP = Number(process.env.LATENCY_WARMUP ?? 300);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const sim = await createSimulator({ now: Date.UTC(2026, 10, 20, 12), records: 2000, tokens: [TOKEN], latencyMs: 20 });
let simIn = 0;
let simOut = 0;
dc.subscribe('http.server.request.start', () => (simIn = now()));
dc.subscribe('http.server.response.finish', () => (simOut = now()));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Timed { sent: number; simIn: number; simOut: number; received: number }

async function drive(which: 'gateway' | 'floor', marksFile: string): Promise<Timed[]> {
  const port = await freePort();
  const args = which === 'gateway' ? ['--import', './bench/latency-marks.ts', 'dist/main.js'] : ['--disable-warning=ExperimentalWarning', 'bench/floor.ts'];
  const child = spawn(process.execPath, args, {
    cwd: new URL('../', import.meta.url),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), ACEFONE_API_TOKEN: TOKEN, ACEFONE_BASE_URL: sim.url, ACEFONE_RATE_LIMIT: '100000', UPSTREAM_URL: sim.url, UPSTREAM_TOKEN: TOKEN, LATENCY_MARKS_FILE: marksFile },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const agent = new Agent();
  const body = JSON.stringify({ query: LIST_QUERY, variables: { first: 20 } });
  const one = async (): Promise<Timed> => {
    const sent = now();
    const res =
      which === 'gateway'
        ? await request(`${base}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent })
        : await request(`${base}/list?first=20`, { dispatcher: agent });
    await res.body.text();
    return { sent, simIn, simOut, received: now() };
  };
  const timed: Timed[] = [];
  for (let i = 0; i < WARMUP + QUERIES; i++) {
    const t = await one();
    if (i >= WARMUP) timed.push(t);
  }
  await agent.close();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return timed;
}

const marksFile = `/tmp/latency-marks-${process.pid}.json`;
const gateway = await drive('gateway', marksFile);
const floor = await drive('floor', marksFile);
const marks = JSON.parse(readFileSync(marksFile, 'utf8')) as Array<[string, number]>;
rmSync(marksFile, { force: true });

// Each query's marks: those from its arrival at the gateway until its answer.
const stretches = new Map<string, number[]>();
const add = (k: string, v: number) => {
  const values = stretches.get(k);
  if (values) values.push(v);
  else stretches.set(k, [v]);
};
for (const t of gateway) {
  const mine = marks.filter(([, at]) => at >= t.sent && at <= t.received);
  const at = (name: string) => mine.find(([n]) => n === name)?.[1];
  const [arrived, created, sent, headers, read, answered] = ['arrived', 'upstream created', 'upstream sent', 'upstream headers', 'upstream body read', 'answered'].map(at);
  if ([arrived, created, sent, headers, read, answered].some((v) => v === undefined)) continue;
  add('client → gateway', arrived! - t.sent);
  add('gateway: arrival → upstream request created (express, Apollo, resolver, ky, guard)', created! - arrived!);
  add('undici: created → sent', sent! - created!);
  add('wire → upstream', t.simIn - sent!);
  add('upstream (20 ms of simulated latency)', t.simOut - t.simIn);
  add('wire → upstream headers at the gateway', headers! - t.simOut);
  add('upstream body read', read! - headers!);
  add('gateway: body read → answered (guard, ky, JSON.parse, mapping, execution, serialisation)', answered! - read!);
  add('gateway → client', t.received - answered!);
  add('total', t.received - t.sent);
}
console.log(`${QUERIES} sequential queries, 20 records, upstream 20 ms away; medians in ms\n`);
for (const [k, v] of stretches) console.log(`${median(v).toFixed(3).padStart(8)}  ${k}`);
const io = (ts: Timed[]) => ({ in: median(ts.map((t) => t.simIn - t.sent)), out: median(ts.map((t) => t.received - t.simOut)) });
const g = io(gateway);
const f = io(floor);
console.log(`\nclient → upstream and upstream → client: gateway ${g.in.toFixed(2)} + ${g.out.toFixed(2)} ms, floor ${f.in.toFixed(2)} + ${f.out.toFixed(2)} ms`);
await sim.close();

/**
 * Login-mode renewal under load: `npx tsx bench/auth-renewal.ts [concurrency=100] [upstreamLatencyMs=20]`.
 * Runs bursts of concurrent GraphQL requests at cold start (login), with a fresh token, at renewal time (the gateway
 * clock jumps 59 min 50 s ahead) and after the upstream expired the token unannounced (401 → refresh → retry),
 * and prints the upstream login/refresh/records calls and request latencies of each burst. Prints figures only.
 */
import { startGateway, type TestGateway } from '../test/helpers/gateway.js';

const concurrency = Number(process.argv[2] ?? 100);
const latencyMs = Number(process.argv[3] ?? 20);
const QUERY = `{ callRecords(first: 3) { totalCount nodes { callId } } }`;

let offset = 0;
const gw: TestGateway = await startGateway({
  sim: { records: 200, latencyMs, refreshExpired: true },
  env: { ACEFONE_LOGIN_ID: 'demo@example.com', ACEFONE_PASSWORD: 'demo-password', LOG_LEVEL: 'warn' },
  now: () => Date.now() + offset,
});

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function burst(label: string): Promise<void> {
  gw.sim.resetRequests();
  const times = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const t = performance.now();
      const res = await gw.gql(QUERY);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return performance.now() - t;
    }),
  );
  times.sort((a, b) => a - b);
  const refused = gw.sim.requests.filter((r) => r.path === '/v1/call/records' && r.status === 401).length;
  console.log(
    `${label.padEnd(28)} login=${gw.sim.count('/v1/auth/login')} refresh=${gw.sim.count('/v1/auth/refresh')} ` +
      `records=${gw.sim.count('/v1/call/records')} (401: ${refused})  ` +
      `p50=${pct(times, 50).toFixed(1)}ms p95=${pct(times, 95).toFixed(1)}ms max=${times.at(-1)!.toFixed(1)}ms`,
  );
}

console.log(`${concurrency} concurrent requests per burst, upstream latency ${latencyMs} ms`);
await burst('cold start (login)');
await burst('fresh token');
await burst('fresh token (again)');
offset += 3_590_000;
await burst('renewal window (refresh)');
gw.sim.expireLoginTokens();
await burst('expired upstream (401s)');
await gw.close();

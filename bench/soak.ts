/**
 * Soak: 50 connections for 60 s against the real gateway, whose upstream (the simulator) answers after 50 ms;
 * three runs. Prints per run: errors (non-2xx, transport errors and GraphQL errors; must be 0), p50/p99
 * latency, and the gateway's RSS and heap after GC; then the heap growth between runs 2 and 3 (must be < 10 %).
 *
 *   npm run bench:soak              # SOAK_SECONDS, SOAK_CONNECTIONS, SOAK_RUNS, SOAK_LATENCY_MS override
 *
 * The per-credential limiter is opened wide here: this measures the gateway, not the upstream's budget.
 */
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 50);
const runs = Number(process.env.SOAK_RUNS ?? 3);
const latencyMs = Number(process.env.SOAK_LATENCY_MS ?? 50);

// The simulator runs in its own process too, so neither it nor autocannon shares the gateway's event loop.
const sim = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/simulator/main.ts', import.meta.url))], {
  env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_RECORDS: '2000', SIMULATOR_LATENCY_MS: String(latencyMs) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const simUrl = await new Promise<string>((resolve) => {
  let out = '';
  sim.stdout!.on('data', (c: Buffer) => {
    out += String(c);
    const m = /on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]!);
  });
});
const page = (await (
  await fetch(`${simUrl}/v1/call/records?page=1&limit=100`, { headers: { authorization: 'Bearer demo-token' } })
).json()) as { results: Array<{ call_id: string }> };
const ids = page.results.map((r) => r.call_id);
const child = fork(fileURLToPath(new URL('./soak-gateway.ts', import.meta.url)), {
  execArgv: ['--expose-gc', '--import', 'tsx'],
  env: {
    ...process.env,
    ACEFONE_API_TOKEN: 'demo-token',
    ACEFONE_BASE_URL: simUrl,
    LOG_LEVEL: 'warn',
    ACEFONE_RATE_LIMIT: '100000',
    ACEFONE_CREDENTIAL_CONCURRENCY: '1000',
    MAX_IN_FLIGHT: '10000',
  },
});
const next = <T>(type: string) =>
  new Promise<T>((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
  });
const { port } = await next<{ port: number }>('ready');
const url = `http://127.0.0.1:${port}/graphql`;

const LIST = JSON.stringify({ query: '{ callRecords(first: 20) { totalCount pageInfo { endCursor } nodes { callId startedAt direction callFlow { kind time } } } }' });
let i = 0;
const lookup = () => JSON.stringify({ query: 'query($id: ID!) { callRecord(callId: $id) { callId status agentName } }', variables: { id: ids[i++ % ids.length] } });

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const heaps: number[] = [];
for (let run = 1; run <= runs; run++) {
  let graphqlErrors = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      { body: LIST, onResponse: (_s, body) => void (body.includes('"errors"') && graphqlErrors++) },
      { setupRequest: (req) => ({ ...req, body: lookup() }), onResponse: (_s, body) => void (body.includes('"errors"') && graphqlErrors++) },
    ],
  });
  child.send({ type: 'mem' });
  const mem = await next<{ rss: number; heapUsed: number }>('mem');
  heaps.push(mem.heapUsed);
  const errors = result.errors + result.timeouts + result.non2xx + graphqlErrors;
  console.log(
    `run ${run}: requests ${result.requests.total}, errors ${errors} (transport ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, GraphQL ${graphqlErrors}), ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, rss ${mb(mem.rss)} MB, heap after GC ${mb(mem.heapUsed)} MB`,
  );
}
if (heaps.length >= 3) {
  const growth = ((heaps[2]! - heaps[1]!) / heaps[1]!) * 100;
  console.log(`heap growth run 2 -> 3: ${growth.toFixed(1)} %`);
}
child.send({ type: 'stop' });
sim.kill('SIGTERM');

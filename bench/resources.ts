/**
 * Resource sizing for docs/deploy.md: drives a running gateway with a fixed number of concurrent clients and
 * reads its own /metrics (CPU seconds, resident memory, heap) before and after.
 *
 *   GATEWAY=http://127.0.0.1:4000 CONCURRENCY=20 DURATION_S=30 npx tsx bench/resources.ts
 */
const gateway = process.env.GATEWAY ?? 'http://127.0.0.1:4000';
const concurrency = Number(process.env.CONCURRENCY ?? 20);
const durationMs = Number(process.env.DURATION_S ?? 30) * 1000;
const query = `query Page($after: String) { callRecords(first: 50, after: $after) {
  pageInfo { endCursor } nodes { callId startedAt direction status clientNumber agentName callDuration callFlow { kind time } } } }`;

async function scrape(): Promise<{ cpu: number; rss: number; heap: number }> {
  const text = await (await fetch(`${gateway}/metrics`)).text();
  const pick = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    cpu: pick('process_cpu_seconds_total'),
    rss: pick('process_resident_memory_bytes'),
    heap: pick('nodejs_heap_size_used_bytes'),
  };
}

const latencies: number[] = [];
let errors = 0;
async function worker(until: number): Promise<void> {
  let after: string | null = null;
  let page = 0;
  while (Date.now() < until) {
    const start = performance.now();
    const res = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = (await res.json()) as { data?: { callRecords: { pageInfo: { endCursor: string | null } } }; errors?: unknown };
    latencies.push(performance.now() - start);
    if (!res.ok || body.errors) errors++;
    // Walk five pages deep, then start over: a mix of first pages and cursor continuations.
    after = ++page % 5 === 0 ? null : (body.data?.callRecords.pageInfo.endCursor ?? null);
  }
}

const before = await scrape();
const started = Date.now();
await Promise.all(Array.from({ length: concurrency }, () => worker(started + durationMs)));
const elapsed = (Date.now() - started) / 1000;
const after = await scrape();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
console.log(
  JSON.stringify(
    {
      concurrency,
      seconds: elapsed,
      requests: latencies.length,
      errors,
      rps: +(latencies.length / elapsed).toFixed(0),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
      cpuCores: +((after.cpu - before.cpu) / elapsed).toFixed(2),
      rssMiB: { before: mb(before.rss), after: mb(after.rss) },
      heapUsedMiB: { before: mb(before.heap), after: mb(after.heap) },
    },
    null,
    2,
  ),
);

/**
 * Where a process's peak RSS goes, sampled from inside it: load it with
 *   GATEWAY_NODE_ARGS="--import ./bench/memory-sampler.ts" BENCH_ONLY=list20,first250,lookups50 BENCH_ROUNDS=1 npm run bench
 * Every 100 ms it checks RSS; at each new peak it writes /tmp/memory-peak-<pid>.json (MEMORY_SAMPLER_DIR to
 * change the folder): RSS, V8 heap (total, per space), external memory, and the resident size of the mappings
 * from /proc/self/smaps (the node binary, glibc's main arena `[heap]`, anonymous regions). Linux only.
 * Plain erasable TypeScript with no imports of the project, so Node preloads it as is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

const MiB = 2 ** 20;
const round = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
const file = join(process.env.MEMORY_SAMPLER_DIR ?? '/tmp', `memory-peak-${process.pid}.json`);
let peak = 0;

function mappings(): Record<string, number> {
  const byName: Record<string, number> = {};
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) name = line.split(/\s+/)[5] || '[anonymous]';
    else if (line.startsWith('Rss:')) byName[name] = (byName[name] ?? 0) + Number(line.split(/\s+/)[1]) * 1024;
  }
  return Object.fromEntries(Object.entries(byName).filter(([, b]) => b > 2 * MiB).map(([n, b]) => [n, round(b)]));
}

setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss <= peak) return;
  peak = m.rss;
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, round(s.space_size)]));
  const sample = { rssMiB: round(m.rss), heapTotalMiB: round(m.heapTotal), heapUsedMiB: round(m.heapUsed), externalMiB: round(m.external), spacesMiB: spaces, mappingsMiB: mappings() };
  writeFileSync(file, JSON.stringify(sample, null, 1));
}, 100).unref();

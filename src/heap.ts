import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Booting (loading ~1,000 modules, building the schema) leaves ~12 MiB of garbage in a young generation V8 has
 * grown to 32 MiB, and V8 keeps both until traffic makes it collect. One memory-reducing full GC before the
 * server listens returns them to the OS: idle RSS 115 → 98 MiB on the reference machine (docs/performance.md),
 * for 57-119 ms once at start (measured), before any request can wait on it. Under load V8 sizes its heap as before.
 *
 * V8's `gc` is exposed for this one call and hidden again, as jest's leak detector does, so the process runs
 * without `--expose-gc` and no code can call it later.
 */
export function compactHeapAfterBoot(): { ms: number } {
  const started = performance.now();
  const hidden = typeof (globalThis as { gc?: unknown }).gc !== 'function';
  setFlagsFromString('--expose-gc');
  try {
    const gc = runInNewContext('gc') as (options: object) => void;
    // 'last-resort' is V8's memory-reducing flavour: it also shrinks the young generation and compacts.
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } finally {
    if (hidden) setFlagsFromString('--no-expose-gc');
  }
  return { ms: performance.now() - started };
}

/** Under a memory limit below this, Node gives V8 a young generation too small for the gateway's traffic. */
const SMALL_MEMORY_LIMIT = 1024 ** 3;

/**
 * The advice for a process whose container limits its memory below 1 GiB while nothing sets V8's young
 * generation. Node then sizes it from the limit (a new space of about 12 MiB under 512 MiB, against 32 MiB with
 * the flag), and a request's objects that live across its upstream wait fill it before they die: the scavenger
 * copies them, and a full GC collects them later. In a 512 MiB container `--max-semi-space-size=16` cut the
 * gateway's CPU by a quarter to a third (docs/deploy.md, "Node.js"). Undefined when the advice does not apply.
 *
 * @param limitBytes `process.constrainedMemory()`: the cgroup's limit, or a huge number (or 0) without one.
 * @param totalBytes `os.totalmem()`: a limit at or above it is no limit.
 * @param nodeFlags the flags node runs with: `process.execArgv` and `NODE_OPTIONS`.
 */
export function youngGenerationAdvice(limitBytes: number, totalBytes: number, nodeFlags: readonly string[]): string | undefined {
  if (!(limitBytes > 0 && limitBytes < totalBytes && limitBytes < SMALL_MEMORY_LIMIT)) return undefined;
  // `--min-semi-space-size` alone does not help: V8 caps it at the maximum it derives from the limit (measured:
  // a 9.75 MiB new space under 512 MiB with `--min-semi-space-size=16`).
  if (nodeFlags.some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag))) return undefined;
  return (
    `the memory limit (${Math.round(limitBytes / 2 ** 20)} MiB) makes Node give V8 a small young generation, which ` +
    'cost the gateway a quarter to a third more CPU in a 512 MiB container: set NODE_OPTIONS=--max-semi-space-size=16 ' +
    '(docs/deploy.md, "Node.js")'
  );
}

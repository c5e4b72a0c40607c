import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { compactHeapAfterBoot, youngGenerationAdvice } from '../../src/heap.js';

describe('compactHeapAfterBoot', () => {
  it('gives the garbage of booting back: the heap the process holds shrinks', () => {
    // Boot-like garbage: many short-lived objects, dropped before the compaction.
    let boot: Array<{ i: number; s: string }> | undefined = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `m${i}` }));
    expect(boot.length).toBe(300_000);
    boot = undefined;
    const before = process.memoryUsage().heapTotal;
    const { ms } = compactHeapAfterBoot();
    expect(process.memoryUsage().heapTotal).toBeLessThan(before);
    expect(ms).toBeGreaterThan(0);
  });

  it('leaves V8’s gc hidden afterwards, so no code can call it later', () => {
    compactHeapAfterBoot();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});

describe('youngGenerationAdvice', () => {
  const MiB = 2 ** 20;
  const host = 24 * 1024 * MiB;
  // process.constrainedMemory() without a cgroup limit: ~2^64 from Node 24 on this Linux; 0 where it cannot tell.
  const unconstrained = 2 ** 64;

  it('advises the flag under a container limit below 1 GiB, naming the limit', () => {
    const advice = youngGenerationAdvice(512 * MiB, host, ['--max-old-space-size=256']);
    expect(advice).toContain('512 MiB');
    expect(advice).toContain('NODE_OPTIONS=--max-semi-space-size=16');
  });

  it('says nothing once the young generation is set, whichever spelling', () => {
    expect(youngGenerationAdvice(512 * MiB, host, ['--max-semi-space-size=16'])).toBeUndefined();
    expect(youngGenerationAdvice(512 * MiB, host, ['--max_semi_space_size=8'])).toBeUndefined();
  });

  it('still advises when only the starting size is set (V8 keeps it under the maximum it derived)', () => {
    expect(youngGenerationAdvice(512 * MiB, host, ['--min-semi-space-size=16'])).toContain('512 MiB');
  });

  it('says nothing without a limit, or with one of 1 GiB or more (Node’s own young generation is big enough)', () => {
    expect(youngGenerationAdvice(unconstrained, host, [])).toBeUndefined();
    expect(youngGenerationAdvice(0, host, [])).toBeUndefined();
    expect(youngGenerationAdvice(1024 * MiB, host, [])).toBeUndefined();
    expect(youngGenerationAdvice(2048 * MiB, host, [])).toBeUndefined();
  });

  it('reads a limit at or above the machine’s memory as no limit', () => {
    expect(youngGenerationAdvice(512 * MiB, 512 * MiB, [])).toBeUndefined();
  });
});

import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { compactHeapAfterBoot } from '../../src/heap.js';

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

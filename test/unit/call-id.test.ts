import { describe, expect, it } from '@jest/globals';
import { callIdEpoch } from '../../src/calls/call-id.js';
import { clusterByTime } from '../../src/calls/lookup-planner.js';

describe('callIdEpoch', () => {
  it('reads the start of <epoch>.<seq> ids, host-prefixed ones included', () => {
    expect(callIdEpoch('1714657799.11930963')).toBe(1714657799);
    expect(callIdEpoch('h3.08-1770534283.2156835')).toBe(1770534283);
  });

  it('finds no time in UUIDs, short numbers, or anything else', () => {
    for (const id of ['12a445d3-635d-45da-a3b9-161ac269a3a0', '123456789.987654321', '0000000000.0', '1714657799', 'x1714657799.1', '1714657799.1 '])
      expect(callIdEpoch(id)).toBeNull();
  });
});

describe('clusterByTime', () => {
  const d = (epoch: number) => ({ id: String(epoch), epoch });
  it('keeps ids close in time together and splits at gaps over an hour', () => {
    const clusters = clusterByTime([d(0), d(600), d(3000), d(3000 + 3601), d(3000 + 3700)]);
    expect(clusters.map((c) => c.map((x) => x.epoch))).toEqual([[0, 600, 3000], [6601, 6700]]);
  });

  it('never lets one window span more than six hours', () => {
    const steady = Array.from({ length: 20 }, (_, i) => d(i * 1800));
    const clusters = clusterByTime(steady);
    expect(clusters.length).toBeGreaterThan(1);
    for (const c of clusters) expect(c[c.length - 1]!.epoch - c[0]!.epoch).toBeLessThanOrEqual(6 * 3600);
    expect(clusters.flat()).toEqual(steady);
  });
});

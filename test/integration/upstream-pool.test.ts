import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  // Upstream answers slowly enough that the lookups overlap.
  gw = await startGateway({ sim: { latencyMs: 30 }, env: { ACEFONE_MAX_CONNECTIONS: '2', ACEFONE_CONCURRENCY: '6' } });
});
afterAll(() => gw.close());

describe('upstream connection pool (ACEFONE_MAX_CONNECTIONS)', () => {
  it('queues a fan-out on the pool: 12 concurrent lookups, twice, over at most 2 connections', async () => {
    const ids = gw.sim.records().slice(0, 12).map((r) => r.call_id);
    const query = `query(${ids.map((_, i) => `$id${i}: ID!`).join(', ')}) {
      ${ids.map((_, i) => `r${i}: callRecord(callId: $id${i}) { callId }`).join('\n')}
    }`;
    const variables = Object.fromEntries(ids.map((id, i) => [`id${i}`, id]));
    const before = gw.sim.connections();
    for (let round = 0; round < 2; round++) {
      const data = expectData(await gw.gql<Record<string, { callId: string }>>(query, variables));
      expect(Object.values(data).map((r) => r.callId)).toEqual(ids);
    }
    expect(gw.sim.connections() - before).toBeLessThanOrEqual(2);
  });

  it('is validated at boot', () => {
    expect(loadConfig({}).upstream.maxConnections).toBe(32);
    expect(() => loadConfig({ ACEFONE_MAX_CONNECTIONS: '0' })).toThrow(/ACEFONE_MAX_CONNECTIONS/);
  });
});

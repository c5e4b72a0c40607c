/*
 * Upstream requests per lookup scenario (`npm run bench:lookups`). Starts the simulator (2,000 calls over 30
 * days, as in demo mode) and the real gateway on loopback, runs each scenario once on a fresh gateway state and
 * prints how many upstream requests it cost. Request counts, not timings: they do not depend on the machine.
 */
import { Writable } from 'node:stream';
import { callIdEpoch } from '../src/calls/call-id.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createServer } from '../src/server.js';
import { RECORDS_PATH, createSimulator, type Simulator } from '../src/simulator/index.js';
import { staticCredential } from '../src/upstream/auth.js';
import { createHttp } from '../src/upstream/http.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const EPOCH_ID = /^\d{10}\.\d+$/;

async function gateway(sim: Simulator, env: Record<string, string> = {}) {
  const config = loadConfig({
    ACEFONE_API_TOKEN: 'demo-token',
    ACEFONE_BASE_URL: sim.url,
    LOG_LEVEL: 'silent',
    // Counts should show planning, not queueing: the per-credential limiter would slow requests down enough to
    // merge more of them. The alias limit would refuse the 50-alias query.
    ACEFONE_RATE_LIMIT: '10000',
    ACEFONE_CREDENTIAL_CONCURRENCY: '64',
    GRAPHQL_MAX_ALIASES: '60',
    GRAPHQL_MAX_TOKENS: '5000',
    ...env,
  });
  const logger = createLogger(config, new Writable({ write: (_c, _e, done) => done() }));
  const credential = staticCredential('demo-token');
  const server = await createServer({ config, logger, http: createHttp(config.upstream), credentials: () => credential });
  const port = await server.listen(0, '127.0.0.1');
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: unknown[]; data?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  return { gql, stop: () => server.stop() };
}

const BY_IDS = `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`;
const aliases = (ids: string[]) =>
  `{ ${ids.map((id, i) => `a${i}: callRecord(callId: ${JSON.stringify(id)}) { callId }`).join(' ')} }`;

async function main() {
  const sim = await createSimulator({ now: NOW, records: 2000 });
  const all = sim.records();
  const epochIds = all.filter((r) => EPOCH_ID.test(r.call_id));
  // 50 calls within one quiet hour, five days back (added, so every id carries its start).
  const base = Math.floor(NOW / 1000) - 5 * 86400;
  const clustered = Array.from({ length: 50 }, (_, i) =>
    sim.addCall({ startEpoch: base + i * 71, overrides: { call_id: `${base + i * 71}.${8_000_000 + i}` } }).call_id,
  );
  // The simulator's own densest hour (a burst: mixed id forms, UUIDs included).
  const byStart = [...all].sort((a, b) => Date.parse(`${a.date}T${a.time}`) - Date.parse(`${b.date}T${b.time}`));
  let burst: string[] = [];
  for (let i = 0; i < byStart.length; i++) {
    const t0 = Date.parse(`${byStart[i]!.date}T${byStart[i]!.time}`);
    const inHour = byStart.slice(i).filter((r) => Date.parse(`${r.date}T${r.time}`) - t0 < 3600_000);
    if (inHour.length > burst.length) burst = inHour.map((r) => r.call_id);
  }
  burst = burst.slice(0, 50);
  const spread = Array.from({ length: 50 }, (_, i) => epochIds[Math.floor((i * epochIds.length) / 50)]!.call_id);
  const distinct30 = spread.slice(0, 30);
  const aliases50 = Array.from({ length: 50 }, (_, i) => distinct30[i % 30]!);

  const rows: Array<[string, number, string]> = [];
  const measure = async (name: string, env: Record<string, string>, run: (g: Awaited<ReturnType<typeof gateway>>) => Promise<unknown>, note = '') => {
    const g = await gateway(sim, env);
    sim.resetRequests();
    await run(g);
    rows.push([name, sim.count(RECORDS_PATH), note]);
    await g.stop();
  };
  const noCache = { CALL_CACHE_TTL_MS: '0' };
  const pointsOnly = { CALL_CACHE_TTL_MS: '0', CALL_WINDOW_SCAN: 'false' };

  await measure('50 ids clustered within an hour (epoch ids)', noCache, (g) => g.gql(BY_IDS, { ids: clustered }));
  await measure('  same, window planner off', pointsOnly, (g) => g.gql(BY_IDS, { ids: clustered }));
  await measure(`${burst.length} ids of the simulator's densest hour (mixed forms)`, noCache, (g) => g.gql(BY_IDS, { ids: burst }),
    `${burst.filter((id) => callIdEpoch(id) === null).length} carry no time`);
  await measure('50 ids spread over a month', noCache, (g) => g.gql(BY_IDS, { ids: spread }));
  await measure('  same, window planner off', pointsOnly, (g) => g.gql(BY_IDS, { ids: spread }));
  await measure('50 aliases over 30 distinct ids', noCache, (g) => g.gql(aliases(aliases50)));
  await measure('_entities, 20 representations (15 distinct, spread)', noCache, (g) =>
    g.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId } } }`, {
      r: [...spread.slice(0, 15), ...spread.slice(0, 5)].map((callId) => ({ __typename: 'CallRecord', callId })),
    }),
  );
  const target = spread[7]!;
  const burst200 = (g: Awaited<ReturnType<typeof gateway>>) =>
    Promise.all(Array.from({ length: 200 }, () => g.gql(BY_IDS, { ids: [target] })));
  await measure('200 concurrent requests, same id (defaults: 5 s cache)', {}, burst200);
  await measure('200 concurrent requests, same id (cache off: single flight only)', noCache, burst200);
  sim.setOptions({ latencyMs: 20 });
  await measure('200 concurrent requests, same id, 20 ms upstream, cache off', noCache, burst200);
  sim.setOptions({ latencyMs: 0 });
  await measure('list of 20, then lookups of the 20 in a second request', {}, async (g) => {
    const list = (await g.gql(`{ callRecords(first: 20) { nodes { callId } } }`)) as { callRecords: { nodes: Array<{ callId: string }> } };
    await g.gql(BY_IDS, { ids: list.callRecords.nodes.map((n) => n.callId) });
  }, 'the list itself costs 1');

  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${'scenario'.padEnd(width)}  upstream requests\n`);
  for (const [name, n, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${String(n).padStart(5)}${note ? `   (${note})` : ''}\n`);
  await sim.close();
}

await main();

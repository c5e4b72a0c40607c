/**
 * `npm run bench:layers`: CPU per query of the gateway's layers, in one process and without sockets, so that a
 * change to one layer can be measured without the noise of a shared machine (`npm run bench` measures the whole).
 * The upstream is answered from memory: the simulator's real bodies, fetched once, then served as new Responses.
 *
 * Runs with NODE_ENV=production (set by the npm script before graphql-js loads, as in the Dockerfile).
 * Env: LAYERS_ITER (timed iterations per layer, 2000), LAYERS_ONLY (comma list of layer-name prefixes).
 */
import { Writable } from 'node:stream';
import { HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { resolvers } from '../src/resolvers.js';
import { createServer, loadTypeDefs } from '../src/server.js';
import { createSimulator } from '../src/simulator/index.js';
import { createGatewayState } from '../src/state.js';
import { createCredentialSource } from '../src/upstream/credentials.js';
import { createHttp } from '../src/upstream/http.js';
import { LIST_QUERY, distinctSets, lookupQuery } from './scenarios.js';

const ITER = Number(process.env.LAYERS_ITER ?? 2000);
const ONLY = process.env.LAYERS_ONLY?.split(',').filter(Boolean);

const sim = await createSimulator({ now: Date.UTC(2026, 10, 20, 12), records: 2000, tokens: ['demo-token'] });
const bodies = new Map<string, string>();
const memoryFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  let body = bodies.get(url);
  if (body === undefined) {
    body = await (await fetch(url, { headers: input instanceof Request ? input.headers : init?.headers })).text();
    bodies.set(url, body);
  }
  return new Response(body, { headers: { 'content-type': 'application/json' } });
};

// As bench/run.ts runs the gateway: limits raised for the 50-alias query, pacing and record cache off.
const config = loadConfig({
  ACEFONE_API_TOKEN: 'demo-token',
  ACEFONE_BASE_URL: sim.url,
  ACEFONE_RATE_LIMIT: '100000',
  CALL_CACHE_TTL_MS: '0',
  GRAPHQL_MAX_ALIASES: '50',
  GRAPHQL_MAX_TOKENS: '5000',
});
const logger = createLogger(config, new Writable({ write: (_c, _e, done) => done() }));
const metrics = createMetrics();
const http = createHttp(config.upstream, { observer: metrics.upstreamObserver, fetch: memoryFetch });
const credentials = createCredentialSource({ mode: 'static', token: 'demo-token' }, { http, logger });
const state = createGatewayState(config, metrics.observer);
const server = await createServer({ config, logger, metrics, http, credentials, state });
const ctx = () => createContext({ config, http, logger, credentials, state, observer: metrics.observer }, {} as never, 'r');

async function time(name: string, fn: () => unknown): Promise<void> {
  if (ONLY && !ONLY.some((o) => name.startsWith(o))) return;
  for (let i = 0; i < Math.min(300, ITER); i++) await fn();
  const start = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ITER; i++) await fn();
  const cpu = process.cpuUsage(start);
  const perQuery = (cpu.user + cpu.system) / 1000 / ITER;
  console.log(`${name.padEnd(44)} ${perQuery.toFixed(3)} ms CPU  ${((performance.now() - t0) / ITER).toFixed(3)} ms wall`);
}

/** Apollo's whole request pipeline (context, plugins, caches, execution, serialisation), minus HTTP. */
async function viaApollo(body: object): Promise<string> {
  const res = await server.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
    context: async () => ctx(),
  });
  if (res.body.kind !== 'complete') throw new Error('unexpected chunked body');
  return res.body.string;
}

const sets = distinctSets(sim.records(), 50);
let next = 0;
const list20 = { query: LIST_QUERY, variables: { first: 20 } };
await time('list20: Apollo pipeline, upstream from memory', () => viaApollo(list20));
await time('lookups50: Apollo pipeline, upstream from memory', () =>
  viaApollo({ query: lookupQuery(50), variables: Object.fromEntries(sets[next++ % sets.length]!.map((id, i) => [`id${i}`, id])) }),
);

const params: Array<[string, string]> = [['limit', '20'], ['page', '1']];
await time('list20: upstream client (ky, guard, mapping)', () => ctx().calls.api.listCallRecords(params));

const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as never }]);
const document = parse(LIST_QUERY);
const run = () => execute({ schema, document, variableValues: { first: 20 }, contextValue: ctx() });
await time('list20: graphql-js execute + upstream client', run);
const result = await run();
await time('list20: JSON.stringify of the result', () => JSON.stringify(result));
// The same data as plain objects, as a hand-written proxy would hold it: the floor of this step.
const plain: unknown = JSON.parse(JSON.stringify(result));
await time('list20: JSON.stringify, plain objects', () => JSON.stringify(plain));
await time('list20: createContext', ctx);

await server.stop();
await sim.close();

import { createServer, type GatewayServer, type ServerDeps } from '../../src/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createHttp } from '../../src/upstream/http.js';
import { createCredentialSource } from '../../src/upstream/credentials.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { Writable } from 'node:stream';

/** A fixed clock for deterministic simulator data: 2026-11-20 12:00:00 UTC. */
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestGateway {
  url: string;
  sim: Simulator;
  server: GatewayServer;
  config: Config;
  /** Everything the gateway logged, one JSON line per entry. */
  logs: string[];
  /** Every HTTP response `gql` received, raw: status line, headers and body. */
  responses: string[];
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Starts the simulator and the real gateway (real config, context, ky) on loopback ports. */
export async function startGateway(
  options: {
    sim?: SimulatorOptions;
    env?: Record<string, string>;
    /** The gateway's clock for token lifetimes (the simulator keeps real time). */
    now?: () => number;
    /** Extra server dependencies (e.g. a loopback GraphOS ingress). */
    deps?: Pick<ServerDeps, 'usageReporting'>;
  } = {},
): Promise<TestGateway> {
  const sim = await createSimulator({ now: NOW, records: 600, ...options.sim });
  // The simulator's static token unless the test picks another credential mode.
  const modeChosen = ['ACEFONE_API_TOKEN', 'ACEFONE_LOGIN_ID', 'ACEFONE_PASSWORD', 'ACEFONE_FORWARD_AUTH'].some(
    (name) => options.env?.[name] !== undefined,
  );
  const config = loadConfig({
    ...(modeChosen ? {} : { ACEFONE_API_TOKEN: 'demo-token' }),
    ACEFONE_BASE_URL: sim.url,
    ACEFONE_RETRIES: '0',
    // Tests exercise the limiter explicitly; elsewhere it must not slow the suite down.
    ACEFONE_RATE_LIMIT: '10000',
    ACEFONE_CREDENTIAL_CONCURRENCY: '64',
    ACEFONE_BACKOFF_MS: '5',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: string[] = [];
  const responses: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(config, sink);
  const auth = config.upstream.auth.mode === 'demo' ? ({ mode: 'static', token: 'demo-token' } as const) : config.upstream.auth;
  const metrics = createMetrics();
  const http = createHttp(config.upstream, { observer: metrics.upstreamObserver });
  const server = await createServer({
    config,
    logger,
    metrics,
    http,
    credentials: createCredentialSource(auth, { http, logger, now: options.now }),
    ...options.deps,
  });
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    sim,
    server,
    config,
    logs,
    responses,
    async gql(query, variables, headers) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      responses.push(`${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`);
      const body = JSON.parse(text) as { data?: never; errors?: never };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    async close() {
      await server.stop();
      await sim.close();
    },
  };
}

/** The data of a response that must have no errors (fails the test with the errors otherwise). */
export function expectData<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

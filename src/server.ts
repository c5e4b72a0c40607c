import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import cors from 'cors';
import express from 'express';
import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { KyInstance } from 'ky';
import type { Config } from './config.js';
import { createContext, type Context } from './context.js';
import { compiledExecution } from './execution.js';
import type { CredentialSource } from './upstream/auth.js';
import type { Logger } from './logger.js';
import { createLoadShedding } from './load-shedding.js';
import { usageReportingPlugins, type UsageReportingOverrides } from './observability/graphos.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { operationLogPlugin } from './observability/operation-log.js';
import { operationSpanMiddleware, operationSpanPlugin } from './observability/operation-span.js';
import { requestIdsFrom } from './observability/request-id.js';
import { partialErrorsPlugin } from './partial-errors.js';
import { createRequestLimits } from './request-limits.js';
import { resolvers } from './resolvers.js';
import { sandboxDefaults } from './sandbox.js';
import { ErrorCode } from './upstream/errors.js';
import { requireCredentialPlugin } from './upstream/require-credential.js';
import { requireRouterSecret } from './router-secret.js';
import { createGatewayState, type GatewayState } from './state.js';

const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** The SDL files under schema/, as one document (base.graphql first: it holds the federation @link). */
export function loadTypeDefs(): DocumentNode {
  const files = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return parse(files.map((f) => readFileSync(new URL(f, SCHEMA_DIR), 'utf8')).join('\n'));
}

export interface ServerDeps {
  config: Config;
  http: KyInstance;
  logger: Logger;
  credentials: CredentialSource;
  /** Cross-request state; created here when not given. */
  state?: GatewayState;
  /** This server's metrics; pass its upstreamObserver to createHttp() to get upstream metrics. */
  metrics?: Metrics;
  /** Tests only: where GraphOS usage reports go. */
  usageReporting?: UsageReportingOverrides;
}

export interface GatewayServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Starts listening; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Graceful stop: /readyz turns 503, in-flight requests finish, then the server closes. */
  stop(): Promise<void>;
}

/** Masks anything that is not one of our GraphQL errors: no stack, no message from a library or a bug. */
function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GraphQLError || formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR)
      return formatted;
    logger.error({ err: original }, 'unexpected error while resolving');
    return {
      message: 'Internal server error.',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/**
 * Call records are never cacheable, so Apollo's cache-control plugin (a hook on every resolved field, ~10% of a
 * list query's CPU) is off and this answers what it always computed here: `cache-control: no-store`.
 */
const noStore: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/** Errors raised before GraphQL runs (bad JSON, oversized body): a JSON answer, never an HTML stack trace. */
const httpErrorHandler: express.ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
  const message =
    status === 413
      ? 'Request body is too large.'
      : err.type === 'entity.parse.failed'
        ? 'Request body is not valid JSON.'
        : status < 500
          ? 'Bad request.'
          : 'Internal server error.';
  const code = status < 500 ? 'BAD_REQUEST' : ErrorCode.INTERNAL_SERVER_ERROR;
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};

export async function createServer(deps: ServerDeps): Promise<GatewayServer> {
  const { config, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const contextDeps = {
    ...deps,
    state: deps.state ?? createGatewayState(config, metrics.observer),
    observer: metrics.observer,
  };
  const app = express();
  app.disable('x-powered-by');
  // No ETag: GraphQL responses are POSTs marked no-store, so hashing each body (a SHA-1 of ~20 kB for a 20-record
  // page) would buy nothing.
  app.disable('etag');
  const httpServer = http.createServer(app);
  let draining = false;

  const landingPage: ApolloServerPlugin<Context> = config.graphql.introspection
    ? ApolloServerPluginLandingPageLocalDefault({
        embed: { initialState: { pollForSchemaUpdates: false } },
        ...sandboxDefaults(config),
        footer: false,
      })
    : ApolloServerPluginLandingPageProductionDefault({ footer: false });

  const limits = createRequestLimits(config);
  const typeDefs = loadTypeDefs();
  const apollo = new ApolloServer<Context>({
    gateway: compiledExecution(() => buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }])),
    introspection: config.graphql.introspection,
    // Explicit, so production safety never depends on NODE_ENV being set.
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    hideSchemaDetailsFromClientErrors: !config.graphql.introspection,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: createFormatError(logger),
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // boot.ts owns the signals (exit code 0 after the drain); Apollo would re-raise SIGTERM.
    stopOnTerminationSignals: false,
    plugins: [
      // Past the grace period the upstream calls are aborted (boot.ts); this bound lets their errors be written.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.http.shutdownGraceMs + 2000 }),
      landingPage,
      operationSpanPlugin(),
      requireCredentialPlugin(),
      ...limits.plugins,
      partialErrorsPlugin,
      ApolloServerPluginCacheControlDisabled(),
      noStore,
      operationLogPlugin(),
      metrics.plugin,
      ...(await usageReportingPlugins(config, deps.usageReporting)),
    ],
    ...(config.apollo ? { apollo: config.apollo } : {}),
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ready' });
  });

  if (config.metricsEnabled)
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });

  if (config.routerSecret) app.use('/graphql', requireRouterSecret(config.routerSecret));
  app.use(
    '/graphql',
    createLoadShedding(config.http.maxInFlight, () => logger.warn('load shedding: too many requests in flight')),
    cors<cors.CorsRequest>({ origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false }),
    express.json({ limit: '100kb' }),
    operationSpanMiddleware(),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const { requestId, traceId } = requestIdsFrom(req.headers);
        return createContext(contextDeps, req, requestId, traceId);
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(httpErrorHandler);

  return {
    app,
    httpServer,
    apollo,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async stop() {
      draining = true;
      await apollo.stop();
    },
  };
}

import { totalmem } from 'node:os';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './observability/metrics.js';
import { compactHeapAfterBoot, youngGenerationAdvice } from './heap.js';
import { createServer } from './server.js';
import { createCredentialSource } from './upstream/credentials.js';
import { GatewayStoppingError } from './upstream/guard.js';
import { createHttp } from './upstream/http.js';

/** Boot: config -> (demo simulator) -> server -> listen; graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Before anything makes a request; nothing of OpenTelemetry's SDK is loaded when tracing is off.
  const tracing = config.tracing ? await (await import('./observability/tracing.js')).startTracing() : undefined;
  const logger = createLogger(config);
  if (tracing) logger.info('OpenTelemetry tracing on (configured by OTEL_* variables)');
  let closeSimulator = async () => {};
  let auth = config.upstream.auth;
  if (auth.mode === 'demo') {
    // No credential configured: serve the embedded simulator, so Sandbox has data to explore.
    const { createSimulator } = await import('./simulator/index.js');
    const simulator = await createSimulator({ tokens: ['demo-token'] });
    closeSimulator = () => simulator.close();
    config = { ...config, upstream: { ...config.upstream, baseUrl: simulator.url } };
    auth = { mode: 'static', token: 'demo-token' };
    logger.info(
      { upstream: simulator.url },
      'demo mode: no upstream credential configured, serving the embedded CDR simulator',
    );
  } else {
    logger.info({ upstream: config.upstream.baseUrl, auth: auth.mode }, 'using the configured call-records API');
  }

  // Aborts the upstream calls still open when the shutdown grace period ends.
  const shutdown = new AbortController();
  const metrics = createMetrics();
  const http = createHttp(config.upstream, { shutdownSignal: shutdown.signal, observer: metrics.upstreamObserver });
  const server = await createServer({
    config,
    logger,
    metrics,
    http,
    credentials: createCredentialSource(auth, { http, logger }),
  });
  const compaction = compactHeapAfterBoot();
  const advice = youngGenerationAdvice(process.constrainedMemory(), totalmem(), [
    ...process.execArgv,
    ...(process.env.NODE_OPTIONS ?? '').split(/\s+/),
  ]);
  if (advice) logger.warn(advice);
  const port = await server.listen();
  logger.info(
    { port, introspection: config.graphql.introspection, heapCompactionMs: Math.round(compaction.ms) },
    `cdr-gateway ready at http://localhost:${port}/graphql`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.http.shutdownGraceMs }, 'stopping: finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.warn('shutdown grace period over: aborting open upstream requests');
      shutdown.abort(new GatewayStoppingError('gateway is stopping'));
    }, config.http.shutdownGraceMs);
    try {
      await server.stop();
      clearTimeout(deadline);
      await closeSimulator();
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();

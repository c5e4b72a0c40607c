import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createServer } from './server.js';
import { staticCredential } from './upstream/auth.js';
import { createHttp } from './upstream/http.js';

/** Boot only: config -> (demo simulator) -> server -> listen; graceful stop on SIGTERM/SIGINT. */
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
  const logger = createLogger(config);
  let closeSimulator = async () => {};
  let token: string;
  if (config.demo) {
    // No credential configured: serve the embedded simulator, so Sandbox has data to explore.
    const { createSimulator } = await import('./simulator/index.js');
    const simulator = await createSimulator({ tokens: ['demo-token'] });
    closeSimulator = () => simulator.close();
    config = { ...config, upstream: { ...config.upstream, baseUrl: simulator.url } };
    token = 'demo-token';
    logger.info(
      { upstream: simulator.url },
      'demo mode: no ACEFONE_API_TOKEN configured, serving the embedded CDR simulator',
    );
  } else {
    token = config.upstream.apiToken!;
    logger.info({ upstream: config.upstream.baseUrl }, 'using the configured call-records API');
  }

  const credential = staticCredential(token);
  const server = await createServer({
    config,
    logger,
    http: createHttp(config.upstream),
    credentials: () => credential,
  });
  const port = await server.listen();
  logger.info(
    { port, introspection: config.graphql.introspection },
    `cdr-gateway ready at http://localhost:${port}/graphql`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    try {
      await server.stop();
      await closeSimulator();
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

/**
 * Standalone simulator: `npm run simulator`.
 * Env: SIMULATOR_PORT (default 4010), SIMULATOR_SEED, SIMULATOR_RECORDS, SIMULATOR_LATENCY_MS, SIMULATOR_MAX_LIMIT,
 * SIMULATOR_TOKEN (default demo-token). Prints one line, then serves until SIGINT/SIGTERM.
 */
import { createSimulator } from './index.js';
import type { SimulatorOptions } from './index.js';

function intEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

async function main(): Promise<void> {
  const token = process.env.SIMULATOR_TOKEN?.trim() || 'demo-token';
  const options: SimulatorOptions = { host: '127.0.0.1', port: intEnv('SIMULATOR_PORT') ?? 4010, tokens: [token] };
  const seed = intEnv('SIMULATOR_SEED');
  const records = intEnv('SIMULATOR_RECORDS');
  const latencyMs = intEnv('SIMULATOR_LATENCY_MS');
  const maxLimit = intEnv('SIMULATOR_MAX_LIMIT');
  if (seed !== undefined) options.seed = seed;
  if (records !== undefined) options.records = records;
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  if (maxLimit !== undefined) options.maxLimit = maxLimit;

  const sim = await createSimulator(options);
  // The default demo token is printed as is; a custom one only as a hint (never the whole secret).
  const hint = token === 'demo-token' ? token : `${token.slice(0, 4)}… (from SIMULATOR_TOKEN)`;
  process.stdout.write(`Acefone CDR simulator on ${sim.url} (GET /v1/call/records, Authorization: Bearer ${hint})\n`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

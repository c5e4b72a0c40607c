/**
 * The gateway under soak, in its own process so its memory is measured alone. Started by bench/soak.ts with
 * --expose-gc; answers `{ type: 'mem' }` with RSS and heap after a full GC.
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createServer } from '../src/server.js';
import { createCredentialSource } from '../src/upstream/credentials.js';
import { createHttp } from '../src/upstream/http.js';

const config = loadConfig(process.env);
const logger = createLogger(config);
const auth = config.upstream.auth;
if (auth.mode === 'demo') throw new Error('soak-gateway needs ACEFONE_API_TOKEN');
const http = createHttp(config.upstream);
const server = await createServer({ config, logger, http, credentials: createCredentialSource(auth, { http, logger }) });
const port = await server.listen(0, '127.0.0.1');
process.send!({ type: 'ready', port });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'mem') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    process.send!({ type: 'mem', rss: m.rss, heapUsed: m.heapUsed });
  } else if (msg.type === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});

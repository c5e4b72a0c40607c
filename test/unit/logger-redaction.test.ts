import { Writable } from 'node:stream';
import { expect, it } from '@jest/globals';
import ky from 'ky';
import { createLogger } from '../../src/logger.js';

const PASSWORD = 'hunter2-Qx81';
const TOKEN = 'tok-3c9d71e0';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'trace' }, sink), lines };
}

it('redacts Authorization headers, and the request options and upstream body of a logged HTTP error', async () => {
  const { logger, lines } = capture();
  logger.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'incoming');
  logger.info({ headers: { authorization: `Bearer ${TOKEN}` } }, 'outgoing');
  const refusal = () =>
    new Response(JSON.stringify({ success: false, message: `bad password ${PASSWORD}` }), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
  const error = await ky
    .post('http://upstream.invalid/v1/auth/login', {
      json: { email: 'ops@example.com', password: PASSWORD },
      headers: { authorization: `Bearer ${TOKEN}` },
      retry: 0,
      fetch: async () => refusal(),
    })
    .catch((e: unknown) => e);
  logger.error({ err: error }, 'login failed');
  expect(lines).toHaveLength(3);
  expect(lines.join('')).toContain('[redacted]');
  expect(lines.join('')).not.toContain(TOKEN);
  expect(lines.join('')).not.toContain(PASSWORD);
});

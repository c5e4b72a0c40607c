import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Paths redacted from every log line: credentials and secret-bearing URLs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'password',
  'recordingUrl',
  'recording_url',
  '*.authorization',
  '*.token',
  '*.password',
  '*.recordingUrl',
  '*.recording_url',
  // A logged ky HTTPError carries the request options (a login's JSON body holds the password) and the upstream body.
  'err.options',
  'err.data',
];

/** pino-pretty is a dev dependency: a production image started with NODE_ENV=development keeps JSON lines. */
function prettyAvailable(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** JSON lines on stdout (or `destination`); human-readable lines through pino-pretty in development. */
export function createLogger(
  config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'nodeEnv'>>,
  destination?: pino.DestinationStream,
): Logger {
  const pretty = !destination && config.nodeEnv === 'development' && prettyAvailable();
  return pino(
    {
      level: config.logLevel,
      base: { service: 'cdr-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
    },
    destination,
  );
}

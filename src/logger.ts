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

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'cdr-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

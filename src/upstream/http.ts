import ky, { HTTPError, type KyInstance } from 'ky';
import type { Config } from '../config.js';

/** Parses a `Retry-After` value (delay seconds or HTTP-date) into milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface HttpOptions {
  /** Injected in tests and benchmarks; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * The one ky instance that speaks to the upstream: base URL, JSON accept header, per-attempt timeout, and
 * retries of idempotent GETs on network errors, timeouts, 408, 429 and 5xx with jittered exponential backoff.
 * A `Retry-After` is honoured up to `maxRetryAfterMs`; a longer one fails fast instead of holding the request.
 */
export function createHttp(config: Config['upstream'], options: HttpOptions = {}): KyInstance {
  return ky.create({
    baseUrl: `${config.baseUrl}/`,
    timeout: config.timeoutMs,
    headers: { accept: 'application/json' },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    retry: {
      limit: config.retries,
      methods: ['get'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: config.maxRetryAfterMs,
      backoffLimit: 2000,
      delay: (attempt) => 200 * 2 ** (attempt - 1),
      jitter: true,
      retryOnTimeout: true,
      shouldRetry: ({ error }) => {
        if (error instanceof HTTPError) {
          const wait = retryAfterMs(error.response.headers.get('retry-after'));
          if (wait !== undefined && wait > config.maxRetryAfterMs) return false;
        }
        return undefined;
      },
    },
  });
}

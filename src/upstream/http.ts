import ky, { HTTPError, type KyInstance } from 'ky';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { createUpstreamGuard, retryAfterMs, type UpstreamObserver } from './guard.js';

export { retryAfterMs };

export interface HttpOptions {
  /** Injected in tests and benchmarks; by default requests go through undici's `request()` on the pool. */
  fetch?: typeof fetch;
  /** Counter hooks (retries, limiter waits, breaker transitions). */
  observer?: UpstreamObserver;
  /** Aborts every upstream request still open (graceful shutdown deadline). */
  shutdownSignal?: AbortSignal;
  /** Defaults to a keep-alive pool of `maxConnections` sockets to the upstream (see createUpstreamPool). */
  dispatcher?: Dispatcher;
}

/**
 * The gateway's connections to the upstream: kept alive and at most `maxConnections`, so a fan-out (50 lookups,
 * many clients) queues on the pool instead of opening sockets, and memory is bounded by the pool.
 */
export function createUpstreamPool(config: Pick<Config['upstream'], 'maxConnections'>): Dispatcher {
  return new Agent({ connections: config.maxConnections });
}

/**
 * The one ky instance that speaks to the upstream: base URL, JSON accept header, per-attempt timeout, and
 * retries of idempotent GETs on network errors, timeouts, 408, 429 and 5xx with jittered exponential backoff.
 * A `Retry-After` is honoured up to `maxRetryAfterMs`; a longer one fails fast instead of holding the request.
 * Every attempt goes through the guard (per-credential limiter, per-host breaker, checked and capped body,
 * undici's `request()` on the keep-alive pool);
 * `totalTimeout` bounds one call's attempts, backoffs and body reads together.
 */
export function createHttp(config: Config['upstream'], options: HttpOptions = {}): KyInstance {
  const guard = createUpstreamGuard({
    ratePerSecond: config.ratePerSecond,
    concurrency: config.credentialConcurrency,
    breakerThreshold: config.breakerThreshold,
    breakerResetMs: config.breakerResetMs,
    maxBodyBytes: config.maxBodyBytes,
    maxRetryAfterMs: config.maxRetryAfterMs,
    ...(options.shutdownSignal ? { shutdownSignal: options.shutdownSignal } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.fetch ? { fetch: options.fetch } : { dispatcher: options.dispatcher ?? createUpstreamPool(config) }),
  });
  return ky.create({
    // A prefix is joined as a string; a baseUrl would cost ky a WHATWG Request per call to resolve it.
    prefix: config.baseUrl,
    timeout: config.timeoutMs,
    totalTimeout: config.deadlineMs,
    headers: { accept: 'application/json' },
    fetch: guard.fetch,
    retry: {
      limit: config.retries,
      methods: ['get'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: config.maxRetryAfterMs,
      backoffLimit: config.backoffMs * 10,
      delay: (attempt) => config.backoffMs * 2 ** (attempt - 1),
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
    hooks: {
      beforeRetry: [
        ({ error, retryCount }) => {
          const reason = error instanceof HTTPError ? `HTTP ${error.response.status}` : error.name;
          options.observer?.retry?.({ retryCount, reason });
        },
      ],
    },
  });
}

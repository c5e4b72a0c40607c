import ky, { type KyInstance } from 'ky';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { createUpstreamGuard, type UpstreamObserver } from './guard.js';

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
 * The one ky instance that speaks to the upstream: base URL, JSON accept header, HTTP errors and JSON bodies.
 * Its `fetch` is the guard, which owns the attempts: a timeout per attempt, retries of idempotent GETs on network
 * errors, timeouts, 408, 429 and 5xx with jittered exponential backoff (a `Retry-After` is honoured up to
 * `maxRetryAfterMs`; a longer one fails fast instead of holding the request), all within the call's deadline
 * (`DEADLINE_OPTION`, else `deadlineMs` from the call's start: attempts, backoffs, limiter waits and body reads
 * together). Every attempt goes through the per-credential limiter and the per-host breaker, and reads a checked,
 * capped body with undici's `request()` on the keep-alive pool. ky itself neither retries nor arms timers: the
 * guard's attempts replace both at a fifth of the cost (`npm run bench:ky`).
 */
export function createHttp(config: Config['upstream'], options: HttpOptions = {}): KyInstance {
  const guard = createUpstreamGuard({
    ratePerSecond: config.ratePerSecond,
    concurrency: config.credentialConcurrency,
    breakerThreshold: config.breakerThreshold,
    breakerResetMs: config.breakerResetMs,
    maxBodyBytes: config.maxBodyBytes,
    maxRetryAfterMs: config.maxRetryAfterMs,
    attemptTimeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
    deadlineMs: config.deadlineMs,
    ...(options.shutdownSignal ? { shutdownSignal: options.shutdownSignal } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.fetch ? { fetch: options.fetch } : { dispatcher: options.dispatcher ?? createUpstreamPool(config) }),
  });
  return ky.create({
    // A prefix is joined as a string; a baseUrl would cost ky a WHATWG Request per call to resolve it.
    prefix: config.baseUrl,
    headers: { accept: 'application/json' },
    fetch: guard.fetch,
    retry: 0,
    timeout: false,
  });
}

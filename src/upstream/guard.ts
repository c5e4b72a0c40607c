import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import PQueue from 'p-queue';
import { observeAttempts } from './observe.js';

/*
 * What stands between ky and the network, once per server: a limiter per credential (rate and concurrency,
 * plus the upstream's last `Retry-After`), a circuit breaker per upstream host, and a checked, size-capped body.
 * It is ky's `fetch`, so every attempt (retries included) goes through it.
 */

/** Events worth a counter; metrics hook in here. Every callback is optional and must not throw. */
export interface UpstreamObserver {
  /** ky is about to retry an attempt. */
  retry?(event: { retryCount: number; reason: string }): void;
  /** A request waited for the credential's limiter (rate, concurrency or a `Retry-After`). */
  rateLimitWait?(event: { credentialId: string; waitedMs: number }): void;
  /** The breaker of `host` opened: requests fail fast until a probe succeeds. */
  breakerOpen?(event: { host: string }): void;
  /** A probe succeeded: the breaker of `host` closed again. */
  breakerClose?(event: { host: string }): void;
  /** A request failed without reaching the upstream (breaker open, `Retry-After` beyond the cap, shutdown). */
  rejected?(event: { reason: 'breaker-open' | 'retry-after' | 'shutdown' }): void;
  /** An attempt goes on the wire (the limiter and the breaker let it through). */
  attemptStarted?(event: { endpoint: string }): void;
  /** It ended: its HTTP status, or how it failed without one, and its latency to the response headers. */
  attemptFinished?(event: { endpoint: string; result: AttemptResult; seconds: number }): void;
}

/** Outcome of one upstream attempt: an HTTP status, or how it failed without one. */
export type AttemptResult = number | 'timeout' | 'network_error';

export interface GuardOptions {
  /** Upstream requests one credential may start per second. */
  ratePerSecond: number;
  /** Upstream requests one credential may have open at once. */
  concurrency: number;
  /** Consecutive failures (network, timeout, 408, 5xx) that open a host's breaker. */
  breakerThreshold: number;
  /** How long an open breaker fails fast before it lets one probe through. */
  breakerResetMs: number;
  /** Largest response body read, in bytes. */
  maxBodyBytes: number;
  /** Longest `Retry-After` a request waits for; beyond it, requests fail fast until it has passed. */
  maxRetryAfterMs: number;
  /** Longest a request holds its concurrency slot after the headers while its body is read. */
  bodyHoldMs: number;
  /** Aborts every upstream request still open (graceful shutdown deadline). */
  shutdownSignal?: AbortSignal;
  observer?: UpstreamObserver;
  fetch?: typeof fetch;
}

/** The fetch option (forwarded to `fetch()` by ky) that names the credential a request spends budget of. */
export const CREDENTIAL_OPTION = 'cdrCredentialId';

/** The upstream is rate limiting this credential for longer than the gateway waits. */
export class UpstreamRateLimitedError extends Error {
  override name = 'UpstreamRateLimitedError';
}

/** A 2xx body that is not JSON, or is larger than the cap. */
export class UpstreamBodyError extends Error {
  override name = 'UpstreamBodyError';
}

/** The gateway is stopping and aborted the request. */
export class GatewayStoppingError extends Error {
  override name = 'GatewayStoppingError';
}

interface Lane {
  queue: PQueue;
  /** ms epoch before which the upstream asked not to be called (its last `Retry-After`). */
  blockedUntil: number;
}

/** Parses a `Retry-After` value (delay seconds or HTTP-date) into milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const isFailure = (status: number) => status >= 500 || status === 408;

/**
 * Caps the body at `max` bytes while it streams; `done` settles when the body was read, failed or cancelled,
 * which is when the request gives its concurrency slot back.
 */
function capBody(response: Response, max: number): { response: Response; done: Promise<void> } {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void response.body?.cancel().catch(() => {});
    throw new UpstreamBodyError('response body over the size cap');
  }
  if (!response.body) return { response, done: Promise.resolve() };
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let size = 0;
  const source = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await source.read();
        if (end) {
          controller.close();
          finish();
          return;
        }
        size += value.byteLength;
        if (size > max) {
          await source.cancel().catch(() => {});
          controller.error(new UpstreamBodyError('response body over the size cap'));
          finish();
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        finish();
      }
    },
    async cancel(reason) {
      finish();
      await source.cancel(reason).catch(() => {});
    },
  });
  const capped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  return { response: capped, done };
}

export interface UpstreamGuard {
  /** Drop-in `fetch` for ky. */
  fetch: typeof fetch;
}

export function createUpstreamGuard(options: GuardOptions): UpstreamGuard {
  const observer = options.observer ?? {};
  const baseFetch = observeAttempts(options.fetch ?? globalThis.fetch, observer);
  const lanes = new Map<string, Lane>();
  const breakers = new Map<string, CircuitBreakerPolicy>();

  const laneFor = (credentialId: string): Lane => {
    let lane = lanes.get(credentialId);
    if (!lane) {
      const queue = new PQueue({ concurrency: options.concurrency, intervalCap: options.ratePerSecond, interval: 1000, strict: true });
      const created: Lane = { queue, blockedUntil: 0 };
      // Forget idle credentials (forwarded tokens may be many), unless a Retry-After is still running.
      queue.addEventListener('idle', () => {
        if (queue.size === 0 && queue.pending === 0 && created.blockedUntil <= Date.now()) lanes.delete(credentialId);
      });
      lanes.set(credentialId, created);
      lane = created;
    }
    return lane;
  };

  const breakerFor = (host: string): CircuitBreakerPolicy => {
    let breaker = breakers.get(host);
    if (!breaker) {
      breaker = circuitBreaker(handleAll.orWhenResult((r) => r instanceof Response && isFailure(r.status)), {
        halfOpenAfter: options.breakerResetMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      });
      breaker.onBreak(() => observer.breakerOpen?.({ host }));
      breaker.onReset(() => observer.breakerClose?.({ host }));
      breakers.set(host, breaker);
    }
    return breaker;
  };

  const guarded = async (input: Request | string | URL, init?: RequestInit & { [CREDENTIAL_OPTION]?: string }): Promise<Response> => {
    const { [CREDENTIAL_OPTION]: credentialId = 'anonymous', ...rest } = init ?? {};
    const request = input instanceof Request ? input : new Request(input, rest);
    const signal = options.shutdownSignal ? AbortSignal.any([request.signal, options.shutdownSignal]) : request.signal;
    const fail = (reason: 'breaker-open' | 'retry-after' | 'shutdown', error: Error): never => {
      observer.rejected?.({ reason });
      throw error;
    };
    if (options.shutdownSignal?.aborted) fail('shutdown', new GatewayStoppingError('gateway is stopping'));
    const lane = laneFor(credentialId);
    const started = Date.now();

    // Never call before the upstream's last Retry-After; fail fast when that is further than the cap.
    const blocked = lane.blockedUntil - started;
    if (blocked > options.maxRetryAfterMs) fail('retry-after', new UpstreamRateLimitedError('Retry-After beyond the cap'));
    if (blocked > 0)
      await sleep(blocked, undefined, { signal }).catch((error: unknown) => {
        if (options.shutdownSignal?.aborted) fail('shutdown', new GatewayStoppingError('gateway is stopping'));
        throw error;
      });

    let release!: () => void;
    const slot = new Promise<void>((resolve) => (release = resolve));
    return new Promise<Response>((resolve, reject) => {
      lane.queue
        .add(
          async () => {
            const waited = Date.now() - started;
            if (waited > 5) observer.rateLimitWait?.({ credentialId, waitedMs: waited });
            const host = new URL(request.url).host;
            const breaker = breakerFor(host);
            let response: Response;
            try {
              response = await breaker.execute(() => baseFetch(request, { ...rest, signal }), signal);
            } catch (error) {
              if (error instanceof BrokenCircuitError) observer.rejected?.({ reason: 'breaker-open' });
              if (options.shutdownSignal?.aborted) throw new GatewayStoppingError('gateway is stopping');
              throw error;
            }
            if (response.status === 429 || response.status === 503) {
              const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
              if (wait !== undefined) lane.blockedUntil = Math.max(lane.blockedUntil, Date.now() + wait);
            }
            if (response.ok && !/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
              void response.body?.cancel().catch(() => {});
              throw new UpstreamBodyError('response is not JSON');
            }
            const capped = capBody(response, options.maxBodyBytes);
            resolve(capped.response);
            // Hold the slot while the body streams, but never past the request's own abort.
            signal.addEventListener('abort', release, { once: true });
            setTimeout(release, options.bodyHoldMs).unref();
            void capped.done.then(release);
            await slot;
          },
          { signal },
        )
        .catch((error: unknown) =>
          reject(options.shutdownSignal?.aborted ? new GatewayStoppingError('gateway is stopping') : error),
        );
    });
  };
  return { fetch: guarded as typeof fetch };
}

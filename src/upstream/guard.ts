import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import PQueue from 'p-queue';
import { Agent, type Dispatcher } from 'undici';
import { observeAttempts } from './observe.js';

/*
 * What stands between ky and the network, once per server: the attempts of a call (each with its timeout,
 * retried with backoff, within the request's deadline), a limiter per credential (rate and concurrency, plus the
 * upstream's last `Retry-After`), a circuit breaker per upstream host, and a checked, size-capped body.
 * It is ky's `fetch`. ky makes one call per request and keeps what it is best at (URL, headers, HTTP errors,
 * JSON); attempts live here because ky's retries and timers cost ~30 µs of CPU per call even when nothing fails
 * (a `Request` clone and three timers; `npm run bench:ky`), a fifth of a lookup's whole cost.
 */

/** Events worth a counter; metrics hook in here. Every callback is optional and must not throw. */
export interface UpstreamObserver {
  /** An attempt failed and is about to be retried (`reason`: `HTTP 503`, `TimeoutError`, `TypeError`). */
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
  /** It ended: its HTTP status, or how it failed without one, and its latency until its body was read. */
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
  /** Time one attempt may take: its limiter wait, its headers and its body. Default: until the deadline. */
  attemptTimeoutMs?: number;
  /** Retries of a GET after a network failure, a timed-out attempt, 408, 429 or 5xx (default 0). */
  retries?: number;
  /** Backoff before retry n: a random delay up to `backoffMs × 2^(n-1)`, at most 10 × `backoffMs` (default 0). */
  backoffMs?: number;
  /** Deadline of a call that names none (`DEADLINE_OPTION`), from its start; default none. */
  deadlineMs?: number;
  /** Aborts every upstream request still open (graceful shutdown deadline). */
  shutdownSignal?: AbortSignal;
  observer?: UpstreamObserver;
  /** Where requests go: a `fetch` (tests), else undici's `request()` on `dispatcher` (the upstream pool). */
  fetch?: typeof fetch;
  dispatcher?: Dispatcher;
}

/** The fetch option (forwarded to `fetch()` by ky) that names the credential a request spends budget of. */
export const CREDENTIAL_OPTION = 'cdrCredentialId';

/**
 * The fetch option (ms epoch) after which no attempt of the call runs: its attempts, backoffs, limiter waits
 * and body reads all end by then. A time rather than an AbortSignal, so no combined signal is built per call.
 */
export const DEADLINE_OPTION = 'cdrDeadline';

/** Statuses worth another attempt of an idempotent GET. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** What a timed-out attempt or a passed deadline rejects with (mapped to UPSTREAM_TIMEOUT). */
const timedOut = (what: string) => new DOMException(what, 'TimeoutError');

/** The upstream is rate limiting this credential for longer than the gateway waits. */
export class UpstreamRateLimitedError extends Error {
  override name = 'UpstreamRateLimitedError';
}

/** A 2xx body that is not JSON, or a body larger than the cap. */
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

/** Statuses whose responses have no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Refuses, before reading it, a body declared over the cap or a 2xx that is not JSON. */
function checkHead(status: number, headers: Headers, maxBodyBytes: number): void {
  const declared = Number(headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw new UpstreamBodyError('response body over the size cap');
  if (status >= 200 && status < 300 && !/\bjson\b/i.test(headers.get('content-type') ?? ''))
    throw new UpstreamBodyError('response is not JSON');
}

/** Reads a body to its end, failing as soon as it passes `max` bytes (a missing or lying content-length). */
async function readCapped(body: AsyncIterable<Uint8Array>, max: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw new UpstreamBodyError('response body over the size cap');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Sends one attempt and returns its response with the body already read (checked and capped), so a request holds
 * its concurrency slot until its body is in, and a stalled body is cut by the attempt's own timeout signal.
 */
export type Transport = (request: Request, signal: AbortSignal) => Promise<Response>;

/** A transport over any `fetch` (tests inject one). */
function fetchTransport(fetchImpl: typeof fetch, maxBodyBytes: number): Transport {
  return async (request, signal) => {
    const response = await fetchImpl(request, { signal });
    try {
      checkHead(response.status, response.headers, maxBodyBytes);
      if (!response.body) return response;
      const body = await readCapped(response.body, maxBodyBytes);
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      void response.body?.cancel().catch(() => {});
      throw error;
    }
  };
}

/**
 * The transport the gateway uses: undici's `request()` on the upstream pool. It skips what `fetch` adds for a
 * browser's sake (a second `Request`, WHATWG body streams; ~0.1 ms of CPU per call, a third of a lookup's), and
 * reports failures as `fetch` does, so ky retries them alike: a network failure is `TypeError('fetch failed')`
 * and an abort rejects with the signal's reason. Unlike `fetch`, it follows no redirect: the API does not send
 * any, and a 3xx is reported as a rejection rather than carrying the bearer token to wherever it points.
 */
function undiciTransport(dispatcher: Dispatcher, maxBodyBytes: number): Transport {
  return async (request, signal) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
    let res: Dispatcher.ResponseData | undefined;
    try {
      res = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? Buffer.from(await request.arrayBuffer()) : null,
        signal,
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers))
        if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
        else if (value !== undefined) responseHeaders.set(name, value);
      checkHead(res.statusCode, responseHeaders, maxBodyBytes);
      const body = await readCapped(res.body, maxBodyBytes);
      return new Response(NULL_BODY.has(res.statusCode) ? null : body, { status: res.statusCode, headers: responseHeaders });
    } catch (error) {
      // Closes the connection rather than reading the rest of a refused body (undici then reports the abort).
      res?.body.on('error', () => {}).destroy();
      if (signal.aborted) throw signal.reason;
      if (error instanceof UpstreamBodyError) throw error;
      throw new TypeError('fetch failed', { cause: error });
    }
  };
}

export interface UpstreamGuard {
  /** Drop-in `fetch` for ky. */
  fetch: typeof fetch;
}

export function createUpstreamGuard(options: GuardOptions): UpstreamGuard {
  const observer = options.observer ?? {};
  const dispatcher = options.fetch ? undefined : (options.dispatcher ?? new Agent());
  const send = observeAttempts(
    dispatcher ? undiciTransport(dispatcher, options.maxBodyBytes) : fetchTransport(options.fetch!, options.maxBodyBytes),
    observer,
  );
  // At the end of the shutdown grace period, closing the pool aborts every request still on it (no signal to
  // combine per request); requests that had not started yet fail fast on the check below.
  options.shutdownSignal?.addEventListener('abort', () => void dispatcher?.destroy().catch(() => {}), { once: true });
  const withShutdown = (signal: AbortSignal): AbortSignal =>
    options.shutdownSignal ? AbortSignal.any([signal, options.shutdownSignal]) : signal;
  // With the pool, closing it is the shutdown; an injected fetch needs the signal.
  const signalOf = (request: Request): AbortSignal => (dispatcher ? request.signal : withShutdown(request.signal));
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
      // A body refused for its type or size says nothing of the host's health; anything else that fails does.
      breaker = circuitBreaker(handleWhen((e) => !(e instanceof UpstreamBodyError)).orWhenResult((r) => r instanceof Response && isFailure(r.status)), {
        halfOpenAfter: options.breakerResetMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      });
      breaker.onBreak(() => observer.breakerOpen?.({ host }));
      breaker.onReset(() => observer.breakerClose?.({ host }));
      breakers.set(host, breaker);
    }
    return breaker;
  };

  /** One attempt: the Retry-After gate, the credential's limiter, the host's breaker, then the wire. */
  const attempt = async (request: Request, credentialId: string, signal: AbortSignal): Promise<Response> => {
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
      await sleep(blocked, undefined, { signal: withShutdown(signal) }).catch((error: unknown) => {
        if (options.shutdownSignal?.aborted) fail('shutdown', new GatewayStoppingError('gateway is stopping'));
        throw signal.aborted ? signal.reason : error;
      });

    return lane.queue
      .add(
        async () => {
          if (options.shutdownSignal?.aborted) fail('shutdown', new GatewayStoppingError('gateway is stopping'));
          const waited = Date.now() - started;
          if (waited > 5) observer.rateLimitWait?.({ credentialId, waitedMs: waited });
          const breaker = breakerFor(new URL(request.url).host);
          let response: Response;
          try {
            response = await breaker.execute(() => send(request, signal), signal);
          } catch (error) {
            if (error instanceof BrokenCircuitError) observer.rejected?.({ reason: 'breaker-open' });
            throw error;
          }
          if (response.status === 429 || response.status === 503) {
            const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
            if (wait !== undefined) lane.blockedUntil = Math.max(lane.blockedUntil, Date.now() + wait);
          }
          return response;
        },
        { signal },
      )
      .catch((error: unknown) => {
        throw options.shutdownSignal?.aborted ? new GatewayStoppingError('gateway is stopping') : error;
      });
  };

  /** `attempt` under its timeout (or the deadline, if sooner), also ended by the caller's signal and shutdown. */
  const timedAttempt = async (request: Request, credentialId: string, deadline: number | undefined): Promise<Response> => {
    const left = deadline === undefined ? Infinity : deadline - Date.now();
    if (left <= 0) throw timedOut('the request deadline has passed');
    const limit = Math.min(options.attemptTimeoutMs ?? Infinity, left);
    const controller = new AbortController();
    const timer =
      limit === Infinity
        ? undefined
        : setTimeout(
            () => controller.abort(timedOut(limit < left ? 'the upstream attempt timed out' : 'the request deadline has passed')),
            limit,
          );
    const outer = signalOf(request);
    const forward = () => controller.abort(outer.reason);
    if (outer.aborted) forward();
    else outer.addEventListener('abort', forward, { once: true });
    try {
      return await attempt(request, credentialId, controller.signal);
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', forward);
    }
  };

  /**
   * How long to wait before retrying after `outcome` (a response, or what the attempt threw), or undefined when
   * it is not worth retrying: a 429 or 503's `Retry-After` (under the cap; beyond it the call fails now and the
   * lane fails fast until then), else a jittered exponential backoff.
   */
  const retryDelay = (outcome: Response | unknown, retry: number): number | undefined => {
    if (outcome instanceof Response) {
      if (!RETRIED_STATUSES.has(outcome.status)) return undefined;
      // A Retry-After beyond the cap ends the call on any status; under it, a 429 or 503 waits that long.
      const after = retryAfterMs(outcome.headers.get('retry-after'));
      if (after !== undefined && after > options.maxRetryAfterMs) return undefined;
      if (after !== undefined && (outcome.status === 429 || outcome.status === 503)) return after;
    } else if (
      !(outcome instanceof TypeError && outcome.message === 'fetch failed') &&
      !(outcome instanceof DOMException && outcome.name === 'TimeoutError')
    ) {
      // Refused bodies, an open breaker, a long Retry-After, shutdown, bugs: another attempt would not help.
      return undefined;
    }
    const backoff = options.backoffMs ?? 0;
    return Math.min(backoff * 10, Math.random() * backoff * 2 ** (retry - 1));
  };

  const guarded = async (
    input: Request | string | URL,
    init?: RequestInit & { [CREDENTIAL_OPTION]?: string; [DEADLINE_OPTION]?: number },
  ): Promise<Response> => {
    const { [CREDENTIAL_OPTION]: credentialId = 'anonymous', [DEADLINE_OPTION]: callDeadline, ...rest } = init ?? {};
    const request = input instanceof Request ? input : new Request(input, rest);
    const deadline = callDeadline ?? (options.deadlineMs === undefined ? undefined : Date.now() + options.deadlineMs);
    // Only idempotent GETs are retried (a login is a POST: a second one could lock the account).
    const retries = request.method === 'GET' ? (options.retries ?? 0) : 0;
    for (let retry = 1; ; retry++) {
      let outcome: Response | unknown;
      let failed = false;
      try {
        outcome = await timedAttempt(request, credentialId, deadline);
      } catch (error) {
        outcome = error;
        failed = true;
      }
      const stopped = request.signal.aborted || options.shutdownSignal?.aborted === true;
      const wait = retry <= retries && !stopped ? retryDelay(outcome, retry) : undefined;
      // No retry that could not start before the deadline: the call ends now with its last outcome.
      if (wait === undefined || (deadline !== undefined && Date.now() + wait >= deadline)) {
        if (failed) throw outcome;
        return outcome as Response;
      }
      observer.retry?.({
        retryCount: retry,
        reason: outcome instanceof Response ? `HTTP ${outcome.status}` : (outcome as Error).name,
      });
      if (wait > 0)
        await sleep(wait, undefined, { signal: withShutdown(request.signal) }).catch((error: unknown) => {
          throw options.shutdownSignal?.aborted ? new GatewayStoppingError('gateway is stopping') : error;
        });
    }
  };
  return { fetch: guarded as typeof fetch };
}

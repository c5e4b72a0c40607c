import { describe, expect, it } from '@jest/globals';
import { CREDENTIAL_OPTION, DEADLINE_OPTION, UpstreamBodyError, createUpstreamGuard, type GuardOptions } from '../../src/upstream/guard.js';

const base: Omit<GuardOptions, 'fetch'> = {
  ratePerSecond: 1000,
  concurrency: 2,
  breakerThreshold: 5,
  breakerResetMs: 10_000,
  maxBodyBytes: 1000,
  maxRetryAfterMs: 10_000,
};

const tick = () => new Promise((r) => setTimeout(r, 20));

/** A fetch whose responses the test releases by hand; `started` lists the requests that reached it. */
function heldFetch() {
  const started: string[] = [];
  const releases: Array<() => void> = [];
  const fetch = (async (input: Request) => {
    started.push(new URL(input.url).searchParams.get('n')!);
    await new Promise<void>((r) => releases.push(r));
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, started, releaseOne: () => releases.shift()?.() };
}

const get = (f: typeof fetch, n: number, credentialId = 'a') =>
  f(new Request(`http://upstream.test/v1/call/records?n=${n}`), { [CREDENTIAL_OPTION]: credentialId } as RequestInit).then((r) =>
    r.text(),
  );

describe('upstream guard', () => {
  it('keeps one credential within its concurrency, across callers', async () => {
    const held = heldFetch();
    const guard = createUpstreamGuard({ ...base, fetch: held.fetch });
    const all = [1, 2, 3, 4, 5].map((n) => get(guard.fetch, n));
    await tick();
    expect(held.started).toEqual(['1', '2']);
    held.releaseOne();
    await tick();
    expect(held.started).toEqual(['1', '2', '3']);
    for (let i = 0; i < 4; i++) {
      held.releaseOne();
      await tick();
    }
    await Promise.all(all);
    expect(held.started).toHaveLength(5);
  });

  it('gives each credential its own budget', async () => {
    const held = heldFetch();
    const guard = createUpstreamGuard({ ...base, concurrency: 1, fetch: held.fetch });
    const all = [get(guard.fetch, 1, 'a'), get(guard.fetch, 2, 'a'), get(guard.fetch, 3, 'b')];
    await tick();
    expect(held.started).toEqual(['1', '3']);
    for (let i = 0; i < 3; i++) {
      held.releaseOne();
      await tick();
    }
    await Promise.all(all);
  });

  it('starts at most the rate per second', async () => {
    const held = heldFetch();
    const waits: number[] = [];
    const guard = createUpstreamGuard({
      ...base,
      concurrency: 10,
      ratePerSecond: 2,
      fetch: held.fetch,
      observer: { rateLimitWait: (e) => waits.push(e.waitedMs) },
    });
    void [1, 2, 3].map((n) => get(guard.fetch, n).catch(() => {}));
    await tick();
    expect(held.started).toEqual(['1', '2']);
    for (let i = 0; i < 3; i++) held.releaseOne();
  });

  it('fails a body over the cap while it streams, even without a content-length', async () => {
    const chunk = new Uint8Array(400).fill(32);
    const fetch = (async () =>
      new Response(
        new ReadableStream({
          pull(c) {
            c.enqueue(chunk);
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      )) as typeof globalThis.fetch;
    const guard = createUpstreamGuard({ ...base, fetch });
    await expect(get(guard.fetch, 1)).rejects.toBeInstanceOf(UpstreamBodyError);
  });

  it('tells the observer when the breaker opens and closes', async () => {
    const events: string[] = [];
    let fail = true;
    const fetch = (async () => new Response('{}', { status: fail ? 503 : 200, headers: { 'content-type': 'application/json' } })) as typeof globalThis.fetch;
    const guard = createUpstreamGuard({
      ...base,
      breakerThreshold: 2,
      breakerResetMs: 30,
      fetch,
      observer: {
        breakerOpen: (e) => events.push(`open ${e.host}`),
        breakerClose: (e) => events.push(`close ${e.host}`),
        rejected: (e) => events.push(`rejected ${e.reason}`),
      },
    });
    await get(guard.fetch, 1);
    await get(guard.fetch, 2);
    await expect(get(guard.fetch, 3)).rejects.toThrow();
    fail = false;
    await new Promise((r) => setTimeout(r, 50));
    await get(guard.fetch, 4);
    expect(events).toEqual(['open upstream.test', 'rejected breaker-open', 'close upstream.test']);
  });

  describe('attempts', () => {
    /** A fetch that answers each attempt with the next status of `statuses` (then 200), counting them. */
    function scripted(statuses: number[], headers: Record<string, string> = {}) {
      const seen: string[] = [];
      const fetch = (async (input: Request) => {
        seen.push(input.method);
        const status = statuses.shift() ?? 200;
        return new Response('{}', { status, headers: { 'content-type': 'application/json', ...headers } });
      }) as typeof globalThis.fetch;
      return { fetch, seen };
    }

    it('retries a GET answered 503 and tells the observer why', async () => {
      const { fetch, seen } = scripted([503, 503]);
      const retries: string[] = [];
      const guard = createUpstreamGuard({ ...base, fetch, retries: 2, backoffMs: 1, observer: { retry: (e) => retries.push(`${e.retryCount} ${e.reason}`) } });
      const res = await guard.fetch(new Request('http://upstream.test/v1/call/records'));
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(3);
      expect(retries).toEqual(['1 HTTP 503', '2 HTTP 503']);
    });

    it('never retries a POST (a second login could lock the account)', async () => {
      const { fetch, seen } = scripted([503]);
      const guard = createUpstreamGuard({ ...base, fetch, retries: 2, backoffMs: 1 });
      const res = await guard.fetch(new Request('http://upstream.test/v1/auth/login', { method: 'POST', body: '{}' }));
      expect(res.status).toBe(503);
      expect(seen).toEqual(['POST']);
    });

    it('times out an attempt and retries it', async () => {
      let calls = 0;
      const fetch = (async (input: Request, init?: RequestInit) => {
        calls++;
        if (calls === 1)
          await new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      }) as typeof globalThis.fetch;
      const retries: string[] = [];
      const guard = createUpstreamGuard({ ...base, fetch, attemptTimeoutMs: 50, retries: 1, backoffMs: 1, observer: { retry: (e) => retries.push(e.reason) } });
      expect((await guard.fetch(new Request('http://upstream.test/v1/call/records'))).status).toBe(200);
      expect(calls).toBe(2);
      expect(retries).toEqual(['TimeoutError']);
    });

    it('ends a call with its last answer, at once, when the backoff would pass its deadline', async () => {
      const { fetch, seen } = scripted([503, 503]);
      const guard = createUpstreamGuard({ ...base, fetch, retries: 2, backoffMs: 10_000 });
      const started = Date.now();
      // Full jitter may draw a short backoff: a deadline 5 ms away leaves room for none but the tiniest.
      const res = await guard.fetch(new Request('http://upstream.test/v1/call/records'), { [DEADLINE_OPTION]: Date.now() + 5 } as RequestInit);
      expect(res.status).toBe(503);
      expect(seen.length).toBeLessThanOrEqual(2);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('does not retry a 429 (or a 502) whose Retry-After is beyond the cap', async () => {
      for (const status of [429, 502]) {
        const { fetch, seen } = scripted([status], { 'retry-after': '120' });
        const guard = createUpstreamGuard({ ...base, fetch, retries: 2, backoffMs: 1, maxRetryAfterMs: 1000 });
        expect((await guard.fetch(new Request('http://upstream.test/v1/call/records'))).status).toBe(status);
        expect(seen).toHaveLength(1);
      }
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { CREDENTIAL_OPTION, UpstreamBodyError, createUpstreamGuard, type GuardOptions } from '../../src/upstream/guard.js';

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
});

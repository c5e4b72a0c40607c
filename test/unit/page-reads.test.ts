import { describe, expect, it } from '@jest/globals';
import { JOIN_WINDOW_MS, createCallsApi, type PageReads } from '../../src/calls/api.js';
import { loadConfig } from '../../src/config.js';
import { createHttp } from '../../src/upstream/http.js';

/** An upstream whose answers the test releases; `sent` counts the requests that reached it. */
function heldUpstream() {
  let sent = 0;
  const releases: Array<() => void> = [];
  const fetch = (async () => {
    sent++;
    await new Promise<void>((r) => releases.push(r));
    return new Response(JSON.stringify({ count: 1, limit: 1, page: 1, results: [{ call_id: '1.1', id: '1' }] }), {
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, sent: () => sent, releaseAll: () => releases.splice(0).forEach((r) => r()) };
}

function setup() {
  const upstream = heldUpstream();
  const http = createHttp(loadConfig({ ACEFONE_API_TOKEN: 't' }).upstream, { fetch: upstream.fetch });
  const pageReads: PageReads = new Map();
  const joins: boolean[] = [];
  const api = (deadline: number, credentialId = 'static:a') =>
    createCallsApi({
      http,
      timeZone: 'Asia/Kolkata',
      credential: { id: credentialId, token: async () => 't' },
      deadline,
      pageReads,
      onPageRead: (joined) => joins.push(joined),
    });
  return { upstream, api, pageReads, joins };
}

const PARAMS: Array<[string, string]> = [['page', '1'], ['limit', '1']];
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('shared page reads', () => {
  it('joins a read whose request started within the window, never one that would outlive or undercut it', async () => {
    const { upstream, api, pageReads, joins } = setup();
    const t = Date.now() + 10_000;
    const leader = api(t).listCallRecords(PARAMS);
    const close = api(t + JOIN_WINDOW_MS).listCallRecords(PARAMS); // started at most the window later: joins
    const earlier = api(t - 1).listCallRecords(PARAMS); // would wait past its own deadline: reads alone
    await settle();
    expect(upstream.sent()).toBe(2);
    // `earlier` replaced the entry; a request far later than it reads alone too.
    const late = api(t - 1 + JOIN_WINDOW_MS + 1).listCallRecords(PARAMS);
    await settle();
    expect(upstream.sent()).toBe(3);
    expect(joins).toEqual([false, true, false, false]);
    upstream.releaseAll();
    const pages = await Promise.all([leader, close, earlier, late]);
    expect(pages[1]).toBe(pages[0]);
    for (const p of pages) expect(p.records.map((r) => r.callId)).toEqual(['1.1']);
    expect(pageReads.size).toBe(0);
  });

  it('never joins across credentials', async () => {
    const { upstream, api } = setup();
    const t = Date.now() + 10_000;
    const reads = [api(t, 'static:a').listCallRecords(PARAMS), api(t, 'static:b').listCallRecords(PARAMS)];
    await settle();
    expect(upstream.sent()).toBe(2);
    upstream.releaseAll();
    await Promise.all(reads);
  });
});

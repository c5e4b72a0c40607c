import { describe, expect, it } from '@jest/globals';
import { createCallsApi } from '../../src/calls/api.js';
import { loadConfig } from '../../src/config.js';
import { createHttp } from '../../src/upstream/http.js';

/** The request the upstream receives for one page, with ACEFONE_BASE_URL as given. */
async function requestFor(baseUrl: string, params: Array<[string, string]>): Promise<Request> {
  const seen: Request[] = [];
  const fetch = (async (input: Request) => {
    seen.push(input);
    return new Response(JSON.stringify({ count: 0, limit: 1, page: 1, results: [] }), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const config = loadConfig({ ACEFONE_BASE_URL: baseUrl, ACEFONE_API_TOKEN: 't' });
  const api = createCallsApi({
    http: createHttp(config.upstream, { fetch }),
    timeZone: 'Asia/Kolkata',
    credential: { id: 'static:x', token: async () => 'secret-token' },
  });
  await api.listCallRecords(params);
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('the upstream request URL', () => {
  it('keeps a path in ACEFONE_BASE_URL (an API behind a proxy prefix) and encodes every parameter', async () => {
    const req = await requestFor('https://proxy.example/acefone/', [
      ['from_date', '2026-11-01 00:00:00'],
      ['call_id', 'a+b&c=d'],
      ['page', '2'],
      ['limit', '100'],
    ]);
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://proxy.example/acefone/v1/call/records');
    // As the old searchParams option encoded them (form encoding: a space is '+', a '+' is %2B).
    expect(url.search).toBe('?from_date=2026-11-01+00%3A00%3A00&call_id=a%2Bb%26c%3Dd&page=2&limit=100');
    expect([...url.searchParams]).toEqual([
      ['from_date', '2026-11-01 00:00:00'],
      ['call_id', 'a+b&c=d'],
      ['page', '2'],
      ['limit', '100'],
    ]);
    expect(req.method).toBe('GET');
    expect(req.headers.get('authorization')).toBe('Bearer secret-token');
    expect(req.headers.get('accept')).toBe('application/json');
  });

  it('works with a bare host', async () => {
    const req = await requestFor('https://api.acefone.in', [['page', '1']]);
    expect(req.url).toBe('https://api.acefone.in/v1/call/records?page=1');
  });

  it('puts the login endpoints under the same base path', async () => {
    const seen: string[] = [];
    const fetch = (async (input: Request) => {
      seen.push(input.url);
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    const config = loadConfig({ ACEFONE_BASE_URL: 'https://proxy.example/acefone/', ACEFONE_API_TOKEN: 't' });
    await createHttp(config.upstream, { fetch }).post('v1/auth/login', { json: {} }).json();
    expect(seen).toEqual(['https://proxy.example/acefone/v1/auth/login']);
  });
});

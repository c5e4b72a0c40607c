import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const RECORDS = '/v1/call/records';
let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 50 }, env: { GRAPHQL_MAX_DIRECTIVES: '2' } });
});
afterAll(() => gw.close());

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}
const gql = (query: string, variables?: Record<string, unknown>) => post(JSON.stringify({ query, variables }));
const code = (r: Awaited<ReturnType<typeof post>>) => r.json.errors?.[0]?.extensions?.code;

describe('operation limits', () => {
  it('rejects too many aliases with a 400 before calling the upstream', async () => {
    gw.sim.resetRequests();
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: callRecord(callId: "x${i}") { callId }`).join(' ');
    const r = await gql(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(code(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(gw.sim.count(RECORDS)).toBe(0);
  });

  it('rejects too many directives', async () => {
    const r = await gql(`{ callRecords(first: 1) { totalCount @include(if: true) nodes @include(if: true) { callId @skip(if: false) } } }`);
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.message).toMatch(/Directives limit of 2/);
  });

  it('answers a document over the token limit with a parse error and HTTP 400, not 500', async () => {
    const r = await gql(`{ callRecords(first: 1) { nodes { ${'callId '.repeat(1200)} } } }`);
    expect(r.status).toBe(400);
    expect(code(r)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers a syntax error with HTTP 400', async () => {
    const r = await gql(`query books / { books { title } }`);
    expect(r.status).toBe(400);
    expect(code(r)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('rejects, before it runs, an operation whose upstream cost is over the budget, naming cost and limit', async () => {
    gw.sim.resetRequests();
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    const r = await gql(`query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`, { ids });
    expect(r.status).toBe(400);
    expect(code(r)).toBe('QUERY_TOO_COMPLEX');
    expect(r.json.errors?.[0]?.message).toMatch(/101 upstream requests; the limit is 100/);
    expect(gw.sim.count(RECORDS)).toBe(0);
  });

  it('counts repeated ids once, as the loader fetches them once', async () => {
    const target = gw.sim.records()[0]!.call_id;
    const r = await gql(`query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`, { ids: Array(150).fill(target) });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
  });

  it('counts first/last given through variables, per alias', async () => {
    const local = await startGateway({ sim: { records: 50 }, env: { GRAPHQL_MAX_COST: '10' } });
    try {
      const q = `query($n: Int) { a: callRecords(first: $n) { totalCount } b: callRecords(last: $n) { totalCount } }`;
      const big = await local.gql(q, { n: 500 });
      expect(big.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(big.errors?.[0]?.message).toMatch(/13 upstream requests; the limit is 10/);
      expect(local.sim.count(RECORDS)).toBe(0);
      const small = await local.gql(q, { n: 2 });
      expect(small.errors).toBeUndefined();
    } finally {
      await local.close();
    }
  });

  it('prices the same document anew when a variable that changes its cost changes (estimates are cached)', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    const q = `query($ids: [ID!]!, $all: Boolean!) { callRecordsByCallIds(callIds: $ids) @include(if: $all) { callId } }`;
    const codes: unknown[] = [];
    for (const all of [true, false, true]) codes.push(code(await gql(q, { ids, all })));
    expect(codes).toEqual(['QUERY_TOO_COMPLEX', undefined, 'QUERY_TOO_COMPLEX']);
    // Ids that stay under the budget, then ones that do not, in the same document.
    const few = await gql(q, { ids: ids.slice(0, 3), all: true });
    expect(code(few)).not.toBe('QUERY_TOO_COMPLEX');
    expect(code(await gql(q, { ids, all: true }))).toBe('QUERY_TOO_COMPLEX');
  });

  it('limits depth', async () => {
    const local = await startGateway({ sim: { records: 5 }, env: { GRAPHQL_MAX_DEPTH: '3' } });
    try {
      const r = await local.gql(`{ callRecords(first: 1) { edges { node { callFlow { kind } } } } }`);
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.message).toMatch(/depth limit of 3/);
      expect(local.sim.count(RECORDS)).toBe(0);
    } finally {
      await local.close();
    }
  });
});

describe('HTTP', () => {
  it('answers a body over 100 KB with a JSON 413', async () => {
    const r = await post(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(110_000) } }));
    expect(r.status).toBe(413);
    expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('answers invalid JSON with a JSON 400 that has no stack trace or file path', async () => {
    const r = await post('{"query": "{ __typename }"');
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.message).toBe('Request body is not valid JSON.');
    expect(r.text).not.toMatch(/stack|node_modules|\/src\/|at \w+ \(/);
  });

  it('refuses batched requests', async () => {
    const r = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(r.status).toBe(400);
  });

  it('allows only the configured CORS origins', async () => {
    const other = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const local = await startGateway({ sim: { records: 1 }, env: { CORS_ORIGINS: 'https://app.example.com' } });
    try {
      const allowed = await fetch(local.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const denied = await fetch(local.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await local.close();
    }
  });
});

describe('production defaults without NODE_ENV', () => {
  it('has introspection and field suggestions off', async () => {
    const intro = await gql(`{ __schema { types { name } } }`);
    expect(intro.status).toBe(400);
    const typo = await gql(`{ callRecordz { totalCount } }`);
    expect(typo.json.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('sends no inline trace to a caller that asks for one', async () => {
    const r = await post(JSON.stringify({ query: `{ callRecords(first: 1) { totalCount } }` }), { 'apollo-federation-include-trace': 'ftv1' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).not.toContain('ftv1');
  });

  it('sends an inline trace when APOLLO_INLINE_TRACES is on', async () => {
    const local = await startGateway({ sim: { records: 1 }, env: { APOLLO_INLINE_TRACES: 'true' } });
    try {
      const res = await fetch(local.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
        body: JSON.stringify({ query: `{ callRecords(first: 1) { totalCount } }` }),
      });
      expect(await res.text()).toContain('ftv1');
    } finally {
      await local.close();
    }
  });

  it('sends inline traces to the router when ROUTER_SECRET keeps everyone else out', async () => {
    const secret = 'router-secret-0123456789';
    const local = await startGateway({ sim: { records: 1 }, env: { ROUTER_SECRET: secret } });
    try {
      const ask = (headers: Record<string, string>) =>
        fetch(local.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1', ...headers },
          body: JSON.stringify({ query: `{ callRecords(first: 1) { totalCount } }` }),
        });
      expect(await (await ask({ 'router-authorization': secret })).text()).toContain('ftv1');
      expect((await ask({})).status).toBe(401);
    } finally {
      await local.close();
    }
  });

  it('keeps introspection in demo mode and in development', async () => {
    const dev = await startGateway({ sim: { records: 1 }, env: { NODE_ENV: 'development', LOG_LEVEL: 'silent' } });
    try {
      const r = await dev.gql(`{ __schema { queryType { name } } }`);
      expect(r.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await dev.close();
    }
  });
});

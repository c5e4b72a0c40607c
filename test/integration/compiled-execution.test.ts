import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getIntrospectionQuery, getNamedType, isLeafType, isObjectType, parse, type GraphQLObjectType } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { COMPILE_AFTER_RUNS } from '../../src/execution.js';
import { resolvers } from '../../src/resolvers.js';
import { loadTypeDefs } from '../../src/server.js';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * Operations run compiled by graphql-jit, except requests that need a hook on every field (an inline trace for
 * the router), which run on graphql-js. Both paths are exercised here on the same gateway, so every answer of
 * the compiled path is checked against graphql-js' answer to the same request: data, errors (message, path,
 * locations, code) and HTTP status.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    sim: { records: 60 },
    env: { APOLLO_INLINE_TRACES: 'true', CALL_CACHE_TTL_MS: '0', GRAPHQL_INTROSPECTION: 'true' },
  });
});
afterAll(() => gw.close());

interface Answer {
  status: number;
  body: { data?: unknown; errors?: unknown[]; extensions?: Record<string, unknown> };
}

async function ask(query: string, variables: Record<string, unknown>, trace: boolean): Promise<Answer> {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(trace ? { 'apollo-federation-include-trace': 'ftv1' } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** The same request through graphql-js (traced) and compiled (untraced, once hot); `before` runs before each. */
async function both(query: string, variables: Record<string, unknown> = {}, before: () => void = () => {}) {
  // Anything graphql-jit cannot compile would run on graphql-js too, and the comparison would prove nothing.
  expect(isCompiledQuery(compileQuery(schema, parse(query)))).toBe(true);
  before();
  const interpreted = await ask(query, variables, true);
  // A document is compiled once it has run COMPILE_AFTER_RUNS times; the answer compared is the compiled one.
  let compiled!: Answer;
  for (let i = 0; i <= COMPILE_AFTER_RUNS; i++) {
    before();
    compiled = await ask(query, variables, false);
  }
  const { ftv1, ...otherExtensions } = interpreted.body.extensions ?? {};
  expect(typeof ftv1).toBe('string'); // this one really ran on graphql-js, with field hooks
  const withoutTrace = {
    ...interpreted,
    body: { ...interpreted.body, ...(Object.keys(otherExtensions).length ? { extensions: otherExtensions } : { extensions: undefined }) },
  };
  if (!withoutTrace.body.extensions) delete withoutTrace.body.extensions;
  return { interpreted: withoutTrace, compiled, ftv1: ftv1 as string };
}

/** A selection of every field of a type, nested objects included (so nothing the schema offers is skipped). */
function everything(type: GraphQLObjectType, depth = 0): string {
  return Object.values(type.getFields())
    .filter((f) => f.args.every((a) => a.type.toString().endsWith('!') === false))
    .map((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return f.name;
      return isObjectType(named) && depth < 2 ? `${f.name} { ${everything(named, depth + 1)} }` : '';
    })
    .filter(Boolean)
    .join(' ');
}

const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as never }]);
const CALL_RECORD = everything(schema.getType('CallRecord') as GraphQLObjectType);

describe('compiled execution answers exactly as graphql-js', () => {
  it('a page of records with every field, nested types and the call flow', async () => {
    const query = `query Page($first: Int!, $filter: CallRecordFilter) {
      callRecords(first: $first, filter: $filter) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { ${CALL_RECORD} } }
      }
    }`;
    const { interpreted, compiled } = await both(query, { first: 25 });
    expect(compiled).toEqual(interpreted);
    expect((compiled.body.data as { callRecords: { edges: unknown[] } }).callRecords.edges).toHaveLength(25);
  });

  it('aliases, unknown and repeated ids, fragments, directives and __typename', async () => {
    const [a, b] = gw.sim.records();
    const query = `query Lookups($a: ID!, $b: ID!, $yes: Boolean = true) {
      first: callRecord(callId: $a) { __typename ...Basic startedAt @include(if: $yes) agentName @skip(if: $yes) }
      again: callRecord(callId: $a) { callId }
      missing: callRecord(callId: "0000000000.0") { callId }
      many: callRecordsByCallIds(callIds: [$b, "0000000000.0", $a]) { ... on CallRecord { callId status circle { circle } } }
    }
    fragment Basic on CallRecord { callId direction status callFlow { kind time name } }`;
    const { interpreted, compiled } = await both(query, { a: a!.call_id, b: b!.call_id });
    expect(compiled).toEqual(interpreted);
    expect(compiled.body.data).toMatchObject({ first: { callId: a!.call_id, __typename: 'CallRecord' }, missing: null });
  });

  it('federation entities, known and unknown', async () => {
    const [a] = gw.sim.records();
    const query = `query Entities($r: [_Any!]!) { _entities(representations: $r) { __typename ... on CallRecord { callId status } } }`;
    const r = [{ __typename: 'CallRecord', callId: a!.call_id }, { __typename: 'CallRecord', callId: '0000000000.0' }];
    const { interpreted, compiled } = await both(query, { r });
    expect(compiled).toEqual(interpreted);
    expect(compiled.body.data).toEqual({ _entities: [{ __typename: 'CallRecord', callId: a!.call_id, status: expect.any(String) }, null] });
  });

  it("Sandbox's introspection query and the router's schema fetch", async () => {
    for (const query of [getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), '{ _service { sdl } }']) {
      const { interpreted, compiled } = await both(query);
      expect(compiled).toEqual(interpreted);
      expect(compiled.body.errors).toBeUndefined();
    }
  });

  it('an upstream failure: same message, path, locations and code', async () => {
    const [a] = gw.sim.records();
    const query = `query One($a: ID!) {\n  ok: callRecords(first: 1) { totalCount }\n  broken: callRecord(callId: $a) { callId }\n}`;
    const fail = () => gw.sim.fault({ path: RECORDS_PATH, status: 500, times: 1, when: ({ params }) => params.has('call_id') });
    const { interpreted, compiled } = await both(query, { a: a!.call_id }, fail);
    expect(compiled).toEqual(interpreted);
    expect(compiled.body.errors).toEqual([
      expect.objectContaining({ path: ['broken'], locations: [{ line: 3, column: 3 }], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) }),
    ]);
  });

  it('variables that do not coerce: the same 400 BAD_USER_INPUT, and no upstream call', async () => {
    const query = `query Page($filter: CallRecordFilter) { callRecords(first: 1, filter: $filter) { totalCount } }`;
    gw.sim.resetRequests();
    const { interpreted, compiled } = await both(query, { filter: { from: 'yesterday' } });
    expect(compiled).toEqual(interpreted);
    expect(compiled.status).toBe(400);
    expect(compiled.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });
});

describe('per-field hooks', () => {
  it('an inline trace for the router still times every resolved field, even for a compiled document', async () => {
    const query = `{ callRecords(first: 2) { edges { node { callId agentName } } } }`;
    for (let i = 0; i <= COMPILE_AFTER_RUNS; i++) await ask(query, {}, false); // compiled from here on
    const traced = await ask(query, {}, true);
    const ftv1 = traced.body.extensions?.ftv1;
    expect(typeof ftv1).toBe('string');
    // The trace is a protobuf: each resolved field is a node that carries its response name.
    const trace = Buffer.from(ftv1 as string, 'base64').toString('latin1');
    for (const field of ['callRecords', 'edges', 'node', 'callId', 'agentName']) expect(trace).toContain(field);
  });
});

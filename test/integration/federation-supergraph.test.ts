import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import type { CallRecordDto } from '../../src/calls/dto.js';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { subgraphSdl } from '../../src/subgraph-sdl.js';
import { CRM_TYPE_DEFS, startCrmSubgraph, type CrmSubgraph } from '../fixtures/crm-subgraph.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * The subgraph in a real supergraph: composed with a CRM test subgraph by @apollo/composition from the SDL
 * `npm run schema:print` prints, served by @apollo/gateway in-process, both subgraphs over loopback HTTP.
 * The calls subgraph requires the router secret, which the gateway sends as a router would.
 */

const SECRET = 'supergraph-test-router-secret';
let calls: TestGateway;
let crm: CrmSubgraph;
let router: ApolloServer;
let records: CallRecordDto[];
let customers: Array<{ id: string; name: string; callIds: string[] }>;
let tags: Record<string, string>;

async function run<T>(query: string) {
  const res = await router.executeOperation({ query });
  if (res.body.kind !== 'single') throw new Error('expected a single result');
  return res.body.singleResult as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

beforeAll(async () => {
  calls = await startGateway({ env: { ROUTER_SECRET: SECRET, CALL_CACHE_TTL_MS: '0' } });
  const all = calls.sim.records();
  // Spread over the month, so lookups are point lookups and counts are exact.
  records = Array.from({ length: 24 }, (_, i) => all[i * 23]!);
  customers = [
    { id: 'c1', name: 'Asha', callIds: records.slice(0, 12).map((r) => r.call_id) },
    { id: 'c2', name: 'Ravi', callIds: [...records.slice(12, 20).map((r) => r.call_id), 'unknown-call-id'] },
  ];
  tags = Object.fromEntries([...records.slice(0, 3), ...all.slice(0, 2)].map((r) => [r.call_id, `tag-${r.call_id}`]));
  crm = await startCrmSubgraph({ customers, tags });

  const composed = composeServices([
    { name: 'calls', typeDefs: parse(subgraphSdl()), url: calls.url },
    { name: 'crm', typeDefs: CRM_TYPE_DEFS, url: crm.url },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          request.http?.headers.set('router-authorization', SECRET);
        },
      }),
  });
  router = new ApolloServer({ gateway: gateway as never });
  await router.start();
});

afterAll(async () => {
  await router?.stop();
  await crm?.stop();
  await calls?.close();
});

describe('supergraph: calls + crm', () => {
  it('composes, and the supergraph knows both subgraphs’ fields on CallRecord', () => {
    const composed = composeServices([
      { name: 'calls', typeDefs: parse(subgraphSdl()), url: calls.url },
      { name: 'crm', typeDefs: CRM_TYPE_DEFS, url: crm.url },
    ]);
    expect(composed.errors).toBeUndefined();
    expect(composed.supergraphSdl).toMatch(/type CallRecord\s[^{]*@join__type\(graph: CALLS, key: "callId"\)/);
    expect(composed.supergraphSdl).toMatch(/crmTag: String @join__field\(graph: CRM\)/);
  });

  it('resolves CRM references through the calls subgraph, batched: one upstream request per distinct call', async () => {
    calls.sim.resetRequests();
    const res = await run<{ customers: Array<{ name: string; calls: Array<{ callId: string; clientNumber: string; crmTag: string | null } | null> }> }>(
      `{ customers { name calls { callId clientNumber crmTag } } }`,
    );
    expect(res.errors).toBeUndefined();
    const byId = new Map(records.map((r) => [r.call_id, r]));
    expect(res.data!.customers).toEqual(
      customers.map((c) => ({
        name: c.name,
        // The CRM's unknown call stays a CRM entity: the calls subgraph has no record, so its fields are null.
        calls: c.callIds.map((id) => ({ callId: id, clientNumber: byId.get(id)?.client_number ?? null, crmTag: tags[id] ?? null })),
      })),
    );
    // 20 known + 1 unknown id, all from one _entities fetch: one upstream request each, no more.
    expect(calls.sim.count(RECORDS_PATH)).toBe(21);
  });

  it('extends a callRecords page with the CRM field', async () => {
    calls.sim.resetRequests();
    const res = await run<{ callRecords: { nodes: Array<{ callId: string; status: string; crmTag: string | null }> } }>(
      `{ callRecords(first: 3) { nodes { callId status crmTag } } }`,
    );
    expect(res.errors).toBeUndefined();
    const newest = calls.sim.records().slice(0, 3);
    expect(res.data!.callRecords.nodes).toEqual(
      newest.map((r) => ({ callId: r.call_id, status: r.status, crmTag: tags[r.call_id] ?? null })),
    );
    expect(res.data!.callRecords.nodes.filter((n) => n.crmTag !== null)).toHaveLength(2);
    expect(calls.sim.count(RECORDS_PATH)).toBe(1);
    expect(crm.operations.at(-1)).toContain('_entities');
  });
});

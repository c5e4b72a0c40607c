import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientError, GraphQLClient, gql } from 'graphql-request';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let client: GraphQLClient;
beforeAll(async () => {
  gw = await startGateway();
  client = new GraphQLClient(gw.url, { headers: { 'x-request-id': 'graphql-request-1' } });
});
afterAll(() => gw.close());

const MISSED_INBOUND = gql`
  query MissedInbound($first: Int!, $after: String) {
    callRecords(first: $first, after: $after, filter: { direction: INBOUND, callType: MISSED }) {
      nodes {
        callId
        direction
        status
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

interface MissedInboundData {
  callRecords: {
    nodes: Array<{ callId: string; direction: string; status: string }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('graphql-request', () => {
  it('pages a filtered connection to the same records, in the same order, as the upstream holds', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const data: MissedInboundData = await client.request<MissedInboundData>(MISSED_INBOUND, { first: 10, after });
      ids.push(...data.callRecords.nodes.map((n) => n.callId));
      for (const n of data.callRecords.nodes) expect(n.direction).toBe('INBOUND');
      after = data.callRecords.pageInfo.endCursor;
    }
    const truth = gw.sim
      .records()
      .filter((r) => r.direction === 'inbound' && r.status === 'missed')
      .slice(0, 30)
      .map((r) => r.call_id);
    expect(ids).toHaveLength(30);
    expect(ids).toEqual(truth);
  });

  it('gets the response headers (request id) with rawRequest', async () => {
    const res = await client.rawRequest<{ callRecords: { totalCount: number } }>(`{ callRecords(first: 1) { totalCount } }`);
    expect(res.data.callRecords.totalCount).toBe(gw.sim.records().length);
    expect(res.headers.get('x-request-id')).toBe('graphql-request-1');
  });

  it('surfaces errors as a ClientError carrying the stable extensions.code', async () => {
    const failure = await client.request(`{ callRecords(first: 5, after: "not-a-cursor") { totalCount } }`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ClientError);
    expect((failure as ClientError).response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

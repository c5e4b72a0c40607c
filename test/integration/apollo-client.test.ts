import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RECENT_CALLS, createClient, fetchNextPage, readPages } from '../../examples/apollo-client/client.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('Apollo Client with relayStylePagination', () => {
  it('merges three pages fetched with fetchMore into the upstream order, without gaps or repeats', async () => {
    const ids = await readPages(createClient(gw.url), 3, 25);
    expect(ids).toEqual(
      gw.sim
        .records()
        .slice(0, 75)
        .map((r) => r.call_id),
    );
  });

  it('keeps the cached list exact when calls arrive upstream between fetchMore calls', async () => {
    const client = createClient(gw.url);
    const truth = gw.sim.records().map((r) => r.call_id);
    const query = client.watchQuery({ query: RECENT_CALLS, variables: { first: 20 } });
    const sub = query.subscribe(() => {});
    try {
      await query.refetch();
      gw.sim.addCall();
      gw.sim.addCall();
      // fetchMore continues after the last edge seen, so new calls neither shift nor repeat later pages.
      await fetchNextPage(query);
      const merged = await fetchNextPage(query);
      expect(merged.edges.map((e) => e.node.callId)).toEqual(truth.slice(0, 60));
    } finally {
      sub.unsubscribe();
    }
  });
});

/**
 * Apollo Client against cdr-gateway: the cache configuration that makes Relay pagination "just work".
 *
 * - `relayStylePagination(['filter'])` on `Query.callRecords` merges pages fetched with `fetchMore` into one
 *   list, and keeps one list per filter (the connection arguments `first`/`after`/... are not part of the key).
 * - `CallRecord` is normalised by `callId`, its federation key.
 *
 * Run against a local gateway (`npm start` serves demo data):  npx tsx examples/apollo-client/client.ts
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type ObservableQuery, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: { fields: { callRecords: relayStylePagination(['filter']) } },
      CallRecord: { keyFields: ['callId'] },
    },
  });
}

export function createClient(uri: string, headers: Record<string, string> = {}): ApolloClient {
  return new ApolloClient({ link: new HttpLink({ uri, headers }), cache: createCache() });
}

export interface RecentCallsData {
  callRecords: {
    edges: Array<{ cursor: string; node: { callId: string; startedAt: string | null; status: string | null } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
export interface RecentCallsVariables {
  first: number;
  after?: string | null;
  filter?: Record<string, unknown>;
}

// With graphql-codegen's client preset (see examples/README.md) this document would be typed by `graphql()`.
export const RECENT_CALLS: TypedDocumentNode<RecentCallsData, RecentCallsVariables> = gql`
  query RecentCalls($first: Int!, $after: String, $filter: CallRecordFilter) {
    callRecords(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          callId
          startedAt
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The merged connection a watched RecentCalls query currently holds. */
export function currentCalls(query: ObservableQuery<RecentCallsData, RecentCallsVariables>): RecentCallsData['callRecords'] {
  const result = query.getCurrentResult();
  if (result.dataState !== 'complete') throw new Error(`RecentCalls is ${result.dataState}`);
  return result.data.callRecords;
}

/**
 * Fetches the page after the last edge and resolves with the merged connection once the watched query has
 * re-emitted it (as a UI would re-render), which happens after fetchMore itself resolves.
 */
export async function fetchNextPage(
  query: ObservableQuery<RecentCallsData, RecentCallsVariables>,
): Promise<RecentCallsData['callRecords']> {
  const { edges, pageInfo } = currentCalls(query);
  const merged = firstValueFrom(
    query.pipe(filter((r) => r.dataState === 'complete' && r.data.callRecords.edges.length > edges.length)),
  );
  await query.fetchMore({ variables: { after: pageInfo.endCursor } });
  await merged;
  return currentCalls(query);
}

/** Reads `pages` pages through one watched query and fetchMore; returns the merged call ids. */
export async function readPages(client: ApolloClient, pages: number, first = 25): Promise<string[]> {
  const query = client.watchQuery({ query: RECENT_CALLS, variables: { first } });
  const subscription = query.subscribe(() => {});
  try {
    await query.refetch();
    for (let page = 1; page < pages && currentCalls(query).pageInfo.hasNextPage; page++) await fetchNextPage(query);
    return currentCalls(query).edges.map((e) => e.node.callId);
  } finally {
    subscription.unsubscribe();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = createClient(process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql');
  const ids = await readPages(client, 3);
  console.log(`${ids.length} calls, newest first:`, ids.slice(0, 5), '...');
}

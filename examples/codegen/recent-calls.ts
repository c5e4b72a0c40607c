// What a frontend file looks like once the client preset has generated ./gql (see codegen.ts):
//
//   import { graphql } from './gql';
//
//   export const RecentCalls = graphql(`
//     query RecentCalls($first: Int!, $after: String) {
//       callRecords(first: $first, after: $after) {
//         edges { cursor node { callId startedAt status } }
//         pageInfo { hasNextPage endCursor }
//       }
//     }
//   `);
//
//   // Apollo Client:      useQuery(RecentCalls, { variables: { first: 20 } })        -> typed data
//   // graphql-request:    request(url, RecentCalls, { first: 20 })                   -> typed data
//   // urql:               useQuery({ query: RecentCalls, variables: { first: 20 } }) -> typed data
export {};

import type { Config } from './config.js';

const EXAMPLE_OPERATION = `# Newest calls first. Page on with pageInfo.endCursor as "after".
query RecentCalls($first: Int = 10, $after: String) {
  callRecords(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      callId
      startedAt
      direction
      status
      clientNumber
      agentName
      callDuration
      circle { operator circle }
      callFlow { kind type time name number }
    }
  }
}
`;

const FORWARDED_AUTH_NOTE = `# This gateway reads call records with YOUR credential (ACEFONE_FORWARD_AUTH): send
#   Authorization: Bearer <your Acefone API token>
# in the Headers tab below; without it, operations that need call records answer 401 UNAUTHENTICATED.
`;

/** What Sandbox opens with: a useful example operation and, in forwarded mode, the header it needs. */
export function sandboxDefaults(config: Pick<Config, 'upstream'>): { document: string; headers?: Record<string, string> } {
  if (config.upstream.auth.mode !== 'forwarded') return { document: EXAMPLE_OPERATION };
  return {
    document: FORWARDED_AUTH_NOTE + EXAMPLE_OPERATION,
    headers: { Authorization: 'Bearer <your Acefone API token>' },
  };
}

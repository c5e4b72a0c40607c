import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * An upstream credential as the rest of the gateway sees it. Every cache and in-flight map keyed by data is
 * scoped by `id`, so two callers with different credentials never share a result.
 */
export interface Credential {
  /** Stable, non-secret identity (a hash of the credential, never the token itself). */
  readonly id: string;
  /** The bearer token to send now. */
  token(): Promise<string>;
  /**
   * Called after the upstream answered 401 to `rejectedToken`; resolves true when a fresh token is available
   * and the request may be retried once. Static tokens cannot be refreshed.
   */
  refresh?(rejectedToken: string): Promise<boolean>;
}

/** Resolves the credential of one GraphQL request (throws a GraphQLError when the request carries none). */
export type CredentialSource = (req: IncomingMessage) => Credential;

/** Non-reversible identity of a secret, safe for logs, metrics and cache keys. */
export function credentialId(kind: string, secret: string): string {
  return `${kind}:${createHash('sha256').update(secret).digest('base64url').slice(0, 16)}`;
}

/** A long-lived portal token (ACEFONE_API_TOKEN), or the simulator's token in demo mode. */
export function staticCredential(token: string): Credential {
  const id = credentialId('static', token);
  const value = Promise.resolve(token);
  return { id, token: () => value };
}

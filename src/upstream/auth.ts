import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { ErrorCode, gatewayError } from './errors.js';

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

/** A long-lived portal token (ACEFONE_API_TOKEN), the simulator's token in demo mode, or a forwarded token. */
export function staticCredential(token: string, kind = 'static'): Credential {
  const id = credentialId(kind, token);
  const value = Promise.resolve(token);
  return { id, token: () => value };
}

/**
 * ACEFONE_FORWARD_AUTH: each GraphQL request's own `Authorization: Bearer <token>` is used upstream. A request
 * without one fails with UNAUTHENTICATED (HTTP 401) before any upstream call.
 */
export function forwardedCredentials(): CredentialSource {
  return (req) => {
    const match = /^bearer +([^\s,]+) *$/i.exec(req.headers.authorization ?? '');
    if (!match) throw missingCredentialError();
    return staticCredential(match[1]!, 'forwarded');
  };
}

export function missingCredentialError() {
  return gatewayError(
    ErrorCode.UNAUTHENTICATED,
    'Send your call-records API token as "Authorization: Bearer <token>": this gateway forwards each caller\'s own token.',
    { http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) } },
  );
}

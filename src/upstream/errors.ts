import { GraphQLError } from 'graphql';
import { BrokenCircuitError } from 'cockatiel';
import { HTTPError, NetworkError, SchemaValidationError, TimeoutError } from 'ky';
import { GatewayStoppingError, UpstreamBodyError, UpstreamRateLimitedError } from './guard.js';

/** Stable `extensions.code` values this gateway returns. Clients may switch on them. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  UPSTREAM_REJECTED: 'UPSTREAM_REJECTED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The operation could cost more upstream requests than the budget (GRAPHQL_MAX_COST). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Too many requests in flight; retry shortly. */
  SERVICE_OVERLOADED: 'SERVICE_OVERLOADED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function gatewayError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return gatewayError(ErrorCode.BAD_USER_INPUT, message, argumentName ? { argumentName } : {});
}

/** Thrown by the client when a 2xx body does not have the documented shape. */
export class UpstreamShapeError extends Error {
  override name = 'UpstreamShapeError';
}

/** The upstream refused the gateway's own login (wrong login id, password or login field). */
export class LoginRefusedError extends Error {
  override name = 'LoginRefusedError';
  constructor(readonly upstreamStatus: number) {
    super(`login refused (HTTP ${upstreamStatus})`);
  }
}

/**
 * The one place where upstream failures become GraphQL errors. Messages are ours: the upstream body, URL and
 * credentials are never forwarded (they may carry tokens or personal data).
 */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof LoginRefusedError)
    return gatewayError(
      ErrorCode.UNAUTHENTICATED,
      "The call-records API refused the gateway's login (check its configured login id, password and login field).",
      { upstreamStatus: error.upstreamStatus },
    );
  if (error instanceof HTTPError) {
    const status = error.response.status;
    const upstream = { upstreamStatus: status };
    if (status === 401)
      return gatewayError(
        ErrorCode.UNAUTHENTICATED,
        'The call-records API refused the credential (it may be expired, blacklisted or revoked).',
        upstream,
      );
    if (status === 403)
      return gatewayError(ErrorCode.FORBIDDEN, 'The credential is not allowed to read call records.', upstream);
    if (status === 429)
      return gatewayError(
        ErrorCode.UPSTREAM_RATE_LIMITED,
        'The call-records API is rate limiting this account; try again shortly.',
        upstream,
      );
    if (status === 408 || status === 504)
      return gatewayError(ErrorCode.UPSTREAM_TIMEOUT, 'The call-records API timed out.', upstream);
    if (status >= 500)
      return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The call-records API is unavailable.', upstream);
    return gatewayError(ErrorCode.UPSTREAM_REJECTED, `The call-records API rejected the request (HTTP ${status}).`, upstream);
  }
  if (error instanceof BrokenCircuitError)
    return gatewayError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'The call-records API is failing; the gateway is not calling it for a short while.',
    );
  if (error instanceof UpstreamRateLimitedError)
    return gatewayError(
      ErrorCode.UPSTREAM_RATE_LIMITED,
      'The call-records API is rate limiting this account for longer than the gateway waits; try again later.',
    );
  if (error instanceof GatewayStoppingError)
    return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The gateway is restarting; try again.');
  if (error instanceof UpstreamBodyError)
    return gatewayError(ErrorCode.UPSTREAM_BAD_RESPONSE, 'The call-records API sent a response the gateway cannot read.');
  if (error instanceof TimeoutError || (error instanceof DOMException && error.name === 'TimeoutError'))
    return gatewayError(ErrorCode.UPSTREAM_TIMEOUT, 'The call-records API did not answer in time.');
  if (error instanceof NetworkError)
    return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The call-records API could not be reached.');
  if (error instanceof SchemaValidationError || error instanceof UpstreamShapeError || error instanceof SyntaxError)
    return gatewayError(ErrorCode.UPSTREAM_BAD_RESPONSE, 'The call-records API sent a response the gateway cannot read.');
  if (error instanceof TypeError)
    // fetch() reports connection failures as TypeError("fetch failed").
    return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The call-records API could not be reached.');
  return gatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error while reading call records.');
}

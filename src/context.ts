import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { KyInstance } from 'ky';
import { createCallsApi, type CallsApi } from './calls/api.js';
import type { ConnectionOptions } from './calls/connection.js';
import { createCallLoaders, type CallLoaders } from './calls/loaders.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { PartialError } from './partial-errors.js';
import type { GatewayState } from './state.js';
import type { GatewayObserver } from './observability/observer.js';
import type { Credential, CredentialSource } from './upstream/auth.js';

export interface ContextDeps {
  config: Config;
  http: KyInstance;
  logger: Logger;
  credentials: CredentialSource;
  /** Shared by all requests of this server. */
  state: GatewayState;
  /** Metrics hooks (absent: nothing is reported). */
  observer?: GatewayObserver;
}

export interface Context {
  requestId: string;
  /** W3C trace id of the caller's `traceparent`, when it sent one. */
  traceId?: string;
  /** The upstream credential this request uses. */
  credential: Credential;
  /** Why the request has no credential (forwarded mode without a token); see require-credential.ts. */
  credentialError?: GraphQLError;
  logger: Logger;
  /** Upstream requests this GraphQL request made (for logs and tests). */
  stats: { upstreamRequests: number };
  /** Errors that leave their field's data in place (see partial-errors.ts). */
  partialErrors: PartialError[];
  calls: {
    api: CallsApi;
    loaders: CallLoaders;
    connectionOptions: ConnectionOptions;
  };
}

/** Builds one request's context: a pure function of the request and the injected dependencies. */
export function createContext(deps: ContextDeps, req: IncomingMessage, requestId: string, traceId?: string): Context {
  const { config, observer } = deps;
  const stats = { upstreamRequests: 0 };
  let credential: Credential;
  let credentialError: GraphQLError | undefined;
  try {
    credential = deps.credentials(req);
  } catch (error) {
    // Not thrown from here: operations that need no upstream (`_service`, introspection) still work without one.
    if (!(error instanceof GraphQLError)) throw error;
    credentialError = error;
    credential = { id: 'none', token: () => Promise.reject(error) };
  }
  const api = createCallsApi({
    http: deps.http,
    timeZone: config.upstream.timeZone,
    credential,
    // One deadline for all upstream work of this request (under the router's subgraph timeout).
    deadline: Date.now() + config.upstream.deadlineMs,
    onRequest: () => {
      stats.upstreamRequests++;
    },
    pageReads: deps.state.pageReads,
    ...(observer ? { onPageRead: (joined: boolean) => observer.singleFlight('page', joined) } : {}),
  });
  return {
    requestId,
    ...(traceId ? { traceId } : {}),
    credential,
    ...(credentialError ? { credentialError } : {}),
    logger: deps.logger.child({ requestId }),
    stats,
    partialErrors: [],
    calls: {
      api,
      loaders: createCallLoaders(api, {
        concurrency: config.upstream.concurrency,
        maxBatchSize: config.graphql.maxPageSize,
        timeZone: config.upstream.timeZone,
        arrayFormat: config.upstream.arrayFormat,
        pageSize: config.upstream.pageSize,
        windowScan: config.lookups.windowScan,
        shared: deps.state.calls,
        credentialId: credential.id,
        ...(deps.observer ? { onBatch: deps.observer.loaderBatch } : {}),
      }),
      connectionOptions: {
        timeZone: config.upstream.timeZone,
        arrayFormat: config.upstream.arrayFormat,
        pageSize: config.upstream.pageSize,
        maxPageSize: config.graphql.maxPageSize,
        concurrency: config.upstream.concurrency,
      },
    },
  };
}

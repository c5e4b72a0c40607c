import type { IncomingMessage } from 'node:http';
import type { KyInstance } from 'ky';
import { createCallsApi, type CallsApi } from './calls/api.js';
import type { ConnectionOptions } from './calls/connection.js';
import { createCallLoaders, type CallLoaders } from './calls/loaders.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Credential, CredentialSource } from './upstream/auth.js';

export interface ContextDeps {
  config: Config;
  http: KyInstance;
  logger: Logger;
  credentials: CredentialSource;
}

export interface Context {
  requestId: string;
  /** The upstream credential this request uses. */
  credential: Credential;
  logger: Logger;
  /** Upstream requests this GraphQL request made (for logs and tests). */
  stats: { upstreamRequests: number };
  calls: {
    api: CallsApi;
    loaders: CallLoaders;
    connectionOptions: ConnectionOptions;
  };
}

/** Builds one request's context: a pure function of the request and the injected dependencies. */
export function createContext(deps: ContextDeps, req: IncomingMessage, requestId: string): Context {
  const { config } = deps;
  const stats = { upstreamRequests: 0 };
  const credential = deps.credentials(req);
  const api = createCallsApi({
    http: deps.http,
    timeZone: config.upstream.timeZone,
    credential,
    onRequest: () => {
      stats.upstreamRequests++;
    },
  });
  return {
    requestId,
    credential,
    logger: deps.logger.child({ requestId }),
    stats,
    calls: {
      api,
      loaders: createCallLoaders(api, { concurrency: config.upstream.concurrency }),
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCallLoaders } from '../../src/calls/loaders.js';
import { createCallLookupState } from '../../src/calls/lookup.js';
import type { CallsApi } from '../../src/calls/api.js';
import type { Context } from '../../src/context.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 5 } });
});
afterAll(() => gw.close());

describe('unexpected errors', () => {
  it('are masked to INTERNAL_SERVER_ERROR with the request id, never their message or stack', async () => {
    const api: CallsApi = {
      listCallRecords: () => Promise.reject(new Error('boom at /app/src/secret.ts:12 token=SENTINEL')),
    };
    const contextValue = {
      requestId: 'req-123',
      credential: { id: 'test', token: async () => 'SENTINEL' },
      logger: { child: () => contextValue.logger, error() {}, warn() {}, info() {}, debug() {} },
      stats: { upstreamRequests: 0 },
      partialErrors: [],
      calls: {
        api,
        loaders: createCallLoaders(api, {
          concurrency: 1,
          timeZone: 'Asia/Kolkata',
          arrayFormat: 'brackets',
          pageSize: 100,
          windowScan: false,
          shared: createCallLookupState({ cacheTtlMs: 0, cacheMaxEntries: 1 }),
          credentialId: 'test',
        }),
        connectionOptions: { timeZone: 'Asia/Kolkata', arrayFormat: 'brackets', pageSize: 100, maxPageSize: 500, concurrency: 1 },
      },
    } as unknown as Context;
    const res = await gw.server.apollo.executeOperation({ query: '{ callRecords(first: 1) { totalCount } }' }, { contextValue });
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    expect(body?.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' } }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/SENTINEL|secret\.ts|boom|stack/);
  });
});

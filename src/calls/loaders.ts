import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import { UpstreamShapeError, toGraphQLError } from '../upstream/errors.js';
import type { CallsApi } from './api.js';
import type { CallRecordModel } from './model.js';

export interface CallLoaders {
  /** Call records by `call_id`, null for ids the upstream does not know. */
  callById: DataLoader<string, CallRecordModel | null>;
}

export interface CallLoaderOptions {
  /** Upstream requests in flight at once for one batch. */
  concurrency: number;
  maxBatchSize?: number;
}

/**
 * Per-request loaders. The upstream answers one `call_id` per request, so a batch is a bounded set of
 * concurrent point lookups; the loader's value is deduplication (aliases, repeated ids, `_entities`) and the
 * priming from list results, which makes a lookup of an already-listed call free.
 */
export function createCallLoaders(api: CallsApi, options: CallLoaderOptions): CallLoaders {
  const limit = pLimit(options.concurrency);
  const fetchOne = async (callId: string): Promise<CallRecordModel | null> => {
    const page = await api.listCallRecords([
      ['call_id', callId],
      ['page', '1'],
      ['limit', '1'],
    ]);
    // Never hand out a record for another id (an upstream that ignored the filter would return the newest call).
    const found = page.records.find((r) => r.callId === callId);
    if (!found && page.unreadable) throw new UpstreamShapeError('unreadable call record');
    return found ?? null;
  };
  const callById = new DataLoader<string, CallRecordModel | null>(
    async (ids) => {
      const settled = await Promise.allSettled(ids.map((id) => limit(() => fetchOne(id))));
      // One failing id errors only its own field.
      return settled.map((s) => (s.status === 'fulfilled' ? s.value : toGraphQLError(s.reason)));
    },
    { maxBatchSize: options.maxBatchSize ?? 100 },
  );
  return { callById };
}

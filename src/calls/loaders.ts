import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CallsApi } from './api.js';
import { createCallLookup, type CallLookupState } from './lookup.js';
import { resolveCallIds, type PlannerOptions } from './lookup-planner.js';
import type { CallRecordModel } from './model.js';

export interface CallLoaders {
  /** Call records by `call_id`, null for ids the upstream does not know. */
  callById: DataLoader<string, CallRecordModel | null>;
  /** Primes `callById` with listed records (and the cross-request cache, when on). */
  primeFromList(records: readonly CallRecordModel[]): void;
}

export interface CallLoaderOptions extends PlannerOptions {
  /** Upstream requests this GraphQL request may have in flight at once (ACEFONE_CONCURRENCY). */
  concurrency: number;
  maxBatchSize?: number;
  /** Cross-request lookups (single flight, record cache) and the credential that scopes them. */
  shared: CallLookupState;
  credentialId: string;
  /** Told the size of every batch (metrics). */
  onBatch?: (loader: string, size: number) => void;
}

/**
 * Per-request loaders. A batch (aliases, `callRecordsByCallIds`, `_entities`) is deduplicated, joined with
 * lookups other requests already have in flight, and planned as point lookups and date-window scans (see
 * lookup-planner.ts), every upstream request bounded by this request's concurrency. List results prime the
 * loader, which makes a lookup of an already-listed call free.
 */
export function createCallLoaders(api: CallsApi, options: CallLoaderOptions): CallLoaders {
  const limit = pLimit(options.concurrency);
  const bounded: CallsApi = { ...api, listCallRecords: (params) => limit(() => api.listCallRecords(params)) };
  const lookup = createCallLookup(options.shared, options.credentialId, (ids) => resolveCallIds(bounded, ids, options));
  const callById = new DataLoader<string, CallRecordModel | null>(
    (ids) => {
      options.onBatch?.('call_by_id', ids.length);
      return lookup.loadMany(ids);
    },
    { maxBatchSize: options.maxBatchSize ?? 500 },
  );
  return {
    callById,
    primeFromList(records) {
      for (const r of records) callById.prime(r.callId, r);
      lookup.remember(records);
    },
  };
}

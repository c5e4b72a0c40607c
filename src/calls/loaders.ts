import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CallsApi } from './api.js';
import { resolveCallIds, type PlannerOptions } from './lookup-planner.js';
import type { CallRecordModel } from './model.js';

export interface CallLoaders {
  /** Call records by `call_id`, null for ids the upstream does not know. */
  callById: DataLoader<string, CallRecordModel | null>;
}

export interface CallLoaderOptions extends PlannerOptions {
  /** Upstream requests this GraphQL request may have in flight at once (ACEFONE_CONCURRENCY). */
  concurrency: number;
  maxBatchSize?: number;
}

/**
 * Per-request loaders. A batch (aliases, `callRecordsByCallIds`, `_entities`) is deduplicated and planned as
 * point lookups and date-window scans (see lookup-planner.ts), every upstream request bounded by this request's
 * concurrency. List results prime the loader, which makes a lookup of an already-listed call free.
 */
export function createCallLoaders(api: CallsApi, options: CallLoaderOptions): CallLoaders {
  const limit = pLimit(options.concurrency);
  const bounded: CallsApi = { ...api, listCallRecords: (params) => limit(() => api.listCallRecords(params)) };
  const callById = new DataLoader<string, CallRecordModel | null>(
    async (ids) => {
      const outcomes = await resolveCallIds(bounded, ids, options);
      return ids.map((id) => outcomes.get(id) ?? null);
    },
    { maxBatchSize: options.maxBatchSize ?? 500 },
  );
  return { callById };
}

import { LRUCache } from 'lru-cache';
import type { GatewayObserver } from '../observability/observer.js';
import { toGraphQLError } from '../upstream/errors.js';
import type { LookupOutcome } from './lookup-planner.js';
import type { CallRecordModel } from './model.js';

/*
 * `callId` lookups across GraphQL requests: concurrent requests that need the same id under the same credential
 * share one in-flight upstream lookup (single flight), and found records may be reused for a few seconds
 * (CALL_CACHE_TTL_MS). Every key starts with the credential's id, so one tenant never sees another's data.
 * Misses are never cached: a call whose CDR lands late shows up on the next request.
 */

/** Per-server state of the lookups (created once in createGatewayState, never at module level). */
export interface CallLookupState {
  inFlight: Map<string, Promise<LookupOutcome>>;
  /** Null when CALL_CACHE_TTL_MS is 0. */
  cache: LRUCache<string, CallRecordModel> | null;
  /** Told about cache hits and misses and single-flight joins (metrics). */
  observer?: Pick<GatewayObserver, 'cacheLookup' | 'singleFlight'>;
}

export function createCallLookupState(
  options: { cacheTtlMs: number; cacheMaxEntries: number },
  observer?: Pick<GatewayObserver, 'cacheLookup' | 'singleFlight'>,
): CallLookupState {
  return {
    ...(observer ? { observer } : {}),
    inFlight: new Map(),
    cache:
      options.cacheTtlMs > 0
        ? new LRUCache<string, CallRecordModel>({ max: options.cacheMaxEntries, ttl: options.cacheTtlMs })
        : null,
  };
}

export interface CallLookup {
  /** Outcomes in the order of `ids`; `resolve` is asked only for ids neither cached nor already in flight. */
  loadMany(ids: readonly string[]): Promise<LookupOutcome[]>;
  /** Offers records the upstream just listed to the cache, so later requests' lookups of them are free. */
  remember(records: readonly CallRecordModel[]): void;
}

export function createCallLookup(
  state: CallLookupState,
  credentialId: string,
  resolve: (ids: readonly string[]) => Promise<Map<string, LookupOutcome>>,
): CallLookup {
  const keyOf = (id: string) => `${credentialId}\u0000${id}`;
  return {
    loadMany(ids) {
      const pending = new Map<string, Promise<LookupOutcome>>();
      const owned: string[] = [];
      for (const id of ids) {
        if (pending.has(id)) continue;
        const key = keyOf(id);
        const cached = state.cache?.get(key);
        const shared = cached ? Promise.resolve(cached) : state.inFlight.get(key);
        if (state.cache) state.observer?.cacheLookup('records', cached !== undefined);
        if (!cached) state.observer?.singleFlight('lookup', shared !== undefined);
        if (shared) pending.set(id, shared);
        else {
          owned.push(id);
          pending.set(id, Promise.resolve(null)); // replaced below, before anything awaits
        }
      }
      if (owned.length > 0) {
        const run = resolve(owned).catch(
          (error: unknown) => new Map<string, LookupOutcome>(owned.map((id) => [id, toGraphQLError(error)])),
        );
        for (const id of owned) {
          const key = keyOf(id);
          const outcome = run.then((m) => m.get(id) ?? null);
          state.inFlight.set(key, outcome);
          pending.set(id, outcome);
          void outcome.then((value) => {
            if (state.inFlight.get(key) === outcome) state.inFlight.delete(key);
            if (value !== null && !(value instanceof Error)) state.cache?.set(key, value);
          });
        }
      }
      return Promise.all(ids.map((id) => pending.get(id)!));
    },
    remember(records) {
      if (state.cache) for (const r of records) state.cache.set(keyOf(r.callId), r);
    },
  };
}

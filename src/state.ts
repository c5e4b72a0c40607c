import type { PageReads } from './calls/api.js';
import { createCallLookupState, type CallLookupState } from './calls/lookup.js';
import type { Config } from './config.js';
import type { GatewayObserver } from './observability/observer.js';

/**
 * State shared by the requests of one server (never module-level): in-flight lookups, the record cache and
 * in-flight page reads.
 */
export interface GatewayState {
  calls: CallLookupState;
  pageReads: PageReads;
}

export function createGatewayState(config: Config, observer?: GatewayObserver): GatewayState {
  return { calls: createCallLookupState(config.lookups, observer), pageReads: new Map() };
}

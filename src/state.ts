import { createCallLookupState, type CallLookupState } from './calls/lookup.js';
import type { Config } from './config.js';
import type { GatewayObserver } from './observability/observer.js';

/** State shared by the requests of one server (never module-level): in-flight lookups and the record cache. */
export interface GatewayState {
  calls: CallLookupState;
}

export function createGatewayState(config: Config, observer?: GatewayObserver): GatewayState {
  return { calls: createCallLookupState(config.lookups, observer) };
}

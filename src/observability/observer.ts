/**
 * What the batching parts of the gateway report to metrics (the upstream client reports through
 * `UpstreamObserver` in src/upstream/guard.ts). Every argument is a fixed, code-defined name or a
 * measurement: never an id, a phone number, a URL or a token.
 */
export interface GatewayObserver {
  /** A lookup in a named cache (e.g. `records`). */
  cacheLookup(cache: string, hit: boolean): void;
  /** A read (a `lookup` of one id, or a `page`) that joined an identical one already in flight, or led it. */
  singleFlight(read: 'lookup' | 'page', joined: boolean): void;
  /** One DataLoader batch of `size` keys. */
  loaderBatch(loader: string, size: number): void;
}

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestIds {
  /** The caller's `x-request-id`, else the W3C trace id of its `traceparent`, else a fresh UUID. */
  requestId: string;
  /** Trace id of an incoming W3C `traceparent`, when valid. */
  traceId?: string;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// version-traceid-parentid-flags; all-zero ids are invalid (W3C Trace Context, section 3.2).
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** The W3C trace id carried by a `traceparent` header, or undefined when absent or malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const m = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
  return m[2];
}

/** Correlation ids of one request. Values that do not look like ids are ignored, never echoed. */
export function requestIdsFrom(headers: IncomingHttpHeaders): RequestIds {
  const incoming = headers['x-request-id'];
  const traceId = traceIdOf(typeof headers.traceparent === 'string' ? headers.traceparent : undefined);
  const requestId =
    typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : (traceId ?? randomUUID());
  return traceId ? { requestId, traceId } : { requestId };
}

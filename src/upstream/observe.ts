import type { AttemptResult, Transport, UpstreamObserver } from './guard.js';

const ENDPOINTS: Record<string, string> = {
  '/v1/call/records': 'call_records',
  '/v1/auth/login': 'auth_login',
  '/v1/auth/refresh': 'auth_refresh',
  '/v1/auth/logout': 'auth_logout',
};

/** A fixed name for the endpoint of a URL (`call_records`); never the path itself or its query. */
export function endpointOf(url: string): string {
  const { pathname } = new URL(url);
  const known = Object.keys(ENDPOINTS).find((p) => pathname.endsWith(p));
  return known ? ENDPOINTS[known]! : 'other';
}

function failureOf(error: unknown): AttemptResult {
  // The guard aborts an attempt that exceeded its timeout or the deadline.
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return 'timeout';
  return 'network_error';
}

/** Wraps the transport that goes on the wire: start, status (or failure) and latency of every attempt. */
export function observeAttempts(transport: Transport, observer: UpstreamObserver): Transport {
  if (!observer.attemptStarted && !observer.attemptFinished) return transport;
  return async (request, signal) => {
    const endpoint = endpointOf(request.url);
    const start = performance.now();
    observer.attemptStarted?.({ endpoint });
    try {
      const response = await transport(request, signal);
      observer.attemptFinished?.({ endpoint, result: response.status, seconds: (performance.now() - start) / 1000 });
      return response;
    } catch (error) {
      observer.attemptFinished?.({ endpoint, result: failureOf(error), seconds: (performance.now() - start) / 1000 });
      throw error;
    }
  };
}

import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Context } from '../context.js';
import type { AttemptResult, UpstreamObserver } from '../upstream/guard.js';
import type { GatewayObserver } from './observer.js';
import { errorCodesOf, outcomeOf } from './operation.js';

export interface Metrics {
  /** This server's registry (never prom-client's global one, so several servers can share a process). */
  registry: Registry;
  /** Pass to createHttp(): attempts, retries, limiter waits, breaker, rejections. */
  upstreamObserver: UpstreamObserver;
  /** Passed to the context: cache, single flight, DataLoader batches. */
  observer: GatewayObserver;
  plugin: ApolloServerPlugin<Context>;
}

const PREFIX = 'cdr_gateway_';
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Distinct operation names kept as label values; later ones are counted as `other`. */
const MAX_OPERATION_NAMES = 200;
const KNOWN_STATUSES = new Set([200, 400, 401, 403, 404, 408, 422, 429, 500, 502, 503, 504]);
type CircuitState = 'closed' | 'open';
const CIRCUIT_STATES: CircuitState[] = ['closed', 'open'];

/** Label value of an upstream attempt result: a common status, its class (`4xx`), `timeout` or `network_error`. */
export function resultLabel(result: AttemptResult): string {
  if (typeof result !== 'number') return result;
  return KNOWN_STATUSES.has(result) ? String(result) : `${Math.floor(result / 100)}xx`;
}

/** Label value of a retried attempt, from the guard's reason (`HTTP 503`, `TimeoutError`, `NetworkError`). */
export function retryReasonLabel(reason: string): string {
  const status = /^HTTP (\d{3})$/.exec(reason);
  if (status) return resultLabel(Number(status[1]));
  if (reason === 'TimeoutError' || reason === 'AbortError') return 'timeout';
  if (reason === 'NetworkError' || reason === 'TypeError') return 'network_error';
  return 'other';
}

/**
 * Operation names are chosen by clients: only GraphQL names without long digit runs (which look like
 * generated ids or timestamps) become labels, and only the first MAX_OPERATION_NAMES of them.
 */
function createOperationLabeler() {
  const seen = new Set<string>();
  return (resolved: boolean, name: string | undefined): string => {
    if (!resolved) return 'unknown';
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) || /\d{3,}/.test(name)) return 'other';
    if (!seen.has(name)) {
      if (seen.size >= MAX_OPERATION_NAMES) return 'other';
      seen.add(name);
    }
    return name;
  };
}

/** Prometheus metrics of one server: GraphQL operations, upstream requests, the guard, and batching. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const operations = new Counter({
    name: `${PREFIX}graphql_operations_total`,
    help: 'GraphQL operations by operation name, type and outcome (success, partial, error).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers,
  });
  const operationDuration = new Histogram({
    name: `${PREFIX}graphql_operation_duration_seconds`,
    help: 'GraphQL operation latency, from request start to response.',
    labelNames: ['operation', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const graphqlErrors = new Counter({
    name: `${PREFIX}graphql_errors_total`,
    help: 'GraphQL operations that returned at least one error with this extensions.code.',
    labelNames: ['code'] as const,
    registers,
  });
  const operationsInFlight = new Gauge({
    name: `${PREFIX}graphql_operations_in_flight`,
    help: 'GraphQL operations being processed.',
    registers,
  });
  const upstreamRequests = new Counter({
    name: `${PREFIX}upstream_requests_total`,
    help: 'Upstream HTTP attempts (each retry counts) by endpoint and status (or timeout / network_error).',
    labelNames: ['endpoint', 'status'] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: `${PREFIX}upstream_request_duration_seconds`,
    help: 'Latency of one upstream HTTP attempt, until its body is read.',
    labelNames: ['endpoint'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const upstreamInFlight = new Gauge({
    name: `${PREFIX}upstream_requests_in_flight`,
    help: 'Upstream HTTP attempts awaiting their response.',
    registers,
  });
  const retries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: 'Upstream retries by the result of the attempt that is retried (status, timeout, network_error).',
    labelNames: ['reason'] as const,
    registers,
  });
  const rateLimitWaits = new Histogram({
    name: `${PREFIX}upstream_rate_limit_wait_seconds`,
    help: "Time upstream requests waited for the credential's limiter (rate, concurrency, or the upstream's Retry-After).",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const rejected = new Counter({
    name: `${PREFIX}upstream_rejected_total`,
    help: 'Upstream requests failed without being sent: breaker_open, retry_after (beyond the cap), shutdown.',
    labelNames: ['reason'] as const,
    registers,
  });
  const circuit = new Gauge({
    name: `${PREFIX}upstream_circuit_state`,
    help: 'Upstream circuit breaker state: 1 for the current state, 0 for the others.',
    labelNames: ['state'] as const,
    registers,
  });
  const cacheLookups = new Counter({
    name: `${PREFIX}cache_lookups_total`,
    help: 'Cache lookups by cache and result (hit, miss).',
    labelNames: ['cache', 'result'] as const,
    registers,
  });
  const singleFlight = new Counter({
    name: `${PREFIX}single_flight_total`,
    help: 'Reads that joined an identical one in flight (joined) or led one (led): lookup (one call id) or page (every upstream page, the ones lookups read included).',
    labelNames: ['read', 'result'] as const,
    registers,
  });
  const batchSize = new Histogram({
    name: `${PREFIX}dataloader_batch_size`,
    help: 'Keys per DataLoader batch.',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers,
  });

  const setCircuit = (state: CircuitState) => {
    for (const s of CIRCUIT_STATES) circuit.set({ state: s }, s === state ? 1 : 0);
  };
  setCircuit('closed');

  const upstreamObserver: UpstreamObserver = {
    attemptStarted: () => upstreamInFlight.inc(),
    attemptFinished({ endpoint, result, seconds }) {
      upstreamInFlight.dec();
      upstreamRequests.inc({ endpoint, status: resultLabel(result) });
      upstreamDuration.observe({ endpoint }, seconds);
    },
    retry: ({ reason }) => retries.inc({ reason: retryReasonLabel(reason) }),
    rateLimitWait: ({ waitedMs }) => rateLimitWaits.observe(waitedMs / 1000),
    breakerOpen: () => setCircuit('open'),
    breakerClose: () => setCircuit('closed'),
    rejected: ({ reason }) => rejected.inc({ reason: reason.replace('-', '_') }),
  };
  const observer: GatewayObserver = {
    cacheLookup: (cache, hit) => cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }),
    singleFlight: (read, joined) => singleFlight.inc({ read, result: joined ? 'joined' : 'led' }),
    loaderBatch: (loader, size) => batchSize.observe({ loader }, size),
  };

  const operationLabel = createOperationLabeler();
  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const end = operationDuration.startTimer();
      operationsInFlight.inc();
      return {
        async willSendResponse(rc) {
          operationsInFlight.dec();
          const labels = { operation: operationLabel(!!rc.operation, rc.operationName ?? undefined), type: rc.operation?.operation ?? 'unknown' };
          end(labels);
          operations.inc({ ...labels, outcome: outcomeOf(rc) });
          for (const code of errorCodesOf(rc)) graphqlErrors.inc({ code });
        },
      };
    },
  };

  return { registry, upstreamObserver, observer, plugin };
}

import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';

export interface Tracing {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Query strings carry phone numbers and call ids: upstream spans keep only scheme, host and path. */
function scrubQuery(span: { setAttribute(key: string, value: string): unknown }, request: { origin: string; path: string }) {
  const path = request.path.split('?')[0] ?? '';
  span.setAttribute('url.full', `${request.origin}${path}`);
  span.setAttribute('url.query', '');
}

/**
 * Starts the OpenTelemetry Node SDK, configured by the standard OTEL_* variables (exporter, endpoint, sampler,
 * service name...), with one client span per upstream attempt (fetch goes through undici). The GraphQL
 * operation spans come from src/observability/operation-span.ts through @opentelemetry/api. Loaded with a
 * dynamic import, only when tracing is configured: startup costs nothing when it is off.
 */
export async function startTracing(options: Pick<Partial<NodeSDKConfiguration>, 'spanProcessors'> = {}): Promise<Tracing> {
  const [{ NodeSDK }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  // This feature exports traces; metrics are served by /metrics (Prometheus). Either may be overridden.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  process.env.OTEL_SERVICE_NAME ??= 'cdr-gateway';
  const undici = new UndiciInstrumentation({ requestHook: scrubQuery });
  const sdk = new NodeSDK({
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    instrumentations: [undici],
  });
  sdk.start();
  return {
    async shutdown() {
      // Its diagnostics-channel subscriptions are process-wide and outlive the SDK otherwise.
      undici.disable();
      await sdk.shutdown();
    },
  };
}

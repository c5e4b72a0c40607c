import { z } from 'zod';
import { isValidTimeZone } from './shared/time.js';

/**
 * Configuration from the environment, read and validated once at boot. Every variable is documented in
 * README.md (Configuration). A bad value stops the start with one line naming the variable.
 */
export type ArrayFormat = 'brackets' | 'indices' | 'comma';

/** Body field `POST /v1/auth/login` expects for the login id: it differs between brands. */
export type LoginField = 'email' | 'login_id';

/** How the gateway authenticates upstream: exactly one mode applies. */
export type UpstreamAuth =
  /** No credential configured: the embedded simulator serves demo data. */
  | { mode: 'demo' }
  /** A long-lived portal token (ACEFONE_API_TOKEN). */
  | { mode: 'static'; token: string }
  /** Login id + password exchanged for 1-hour tokens, refreshed before they expire. */
  | { mode: 'login'; loginId: string; password: string; loginField: LoginField }
  /** Each GraphQL request's own `Authorization: Bearer <token>` is used upstream. */
  | { mode: 'forwarded' };

export interface Config {
  port: number;
  host: string;
  nodeEnv: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** No credential configured: serve the embedded simulator's data. */
  demo: boolean;
  upstream: {
    baseUrl: string;
    auth: UpstreamAuth;
    timeZone: string;
    /** `limit` the gateway asks the upstream for (its own clamp may be lower). */
    pageSize: number;
    timeoutMs: number;
    retries: number;
    /** Longest `Retry-After` the gateway waits for; above it, it fails fast. */
    maxRetryAfterMs: number;
    /** How concurrently one GraphQL request may fan out to the upstream. */
    concurrency: number;
    /** Keep-alive connections to the upstream, all requests together (fan-out queues on them). */
    maxConnections: number;
    arrayFormat: ArrayFormat;
    /** Bound on all upstream work of one GraphQL request: attempts, backoffs, limiter waits and body reads. */
    deadlineMs: number;
    /** First retry delay; doubles per retry (jittered), at most ten times this. */
    backoffMs: number;
    /** Upstream requests one credential may start per second (shared by all GraphQL requests). */
    ratePerSecond: number;
    /** Upstream requests one credential may have open at once (shared by all GraphQL requests). */
    credentialConcurrency: number;
    /** Consecutive upstream failures that open the circuit breaker. */
    breakerThreshold: number;
    /** How long an open breaker fails fast before it lets one probe through. */
    breakerResetMs: number;
    /** Largest upstream response body read. */
    maxBodyBytes: number;
  };
  /** OpenTelemetry tracing is configured through the standard OTEL_* variables. */
  tracing: boolean;
  /** GraphOS usage reporting (APOLLO_KEY + APOLLO_GRAPH_REF); absent: off. */
  apollo: { key: string; graphRef: string } | undefined;
  /** Serve Prometheus metrics at GET /metrics. */
  metricsEnabled: boolean;
  graphql: {
    introspection: boolean;
    /** Largest `first`/`last` accepted. */
    maxPageSize: number;
    /** Operation limits checked before anything runs (see src/request-limits.ts). */
    limits: { depth: number; aliases: number; tokens: number; directives: number; cost: number };
    /** Apollo inline traces (ftv1) for the router; off unless asked for. */
    inlineTraces: boolean;
  };
  http: {
    /** Browser origins allowed by CORS (an allow-list; never `*`). */
    corsOrigins: string[];
    /** GraphQL requests in flight at once before new ones are answered 503 at once. */
    maxInFlight: number;
    /** How long SIGTERM waits for in-flight requests before aborting upstream calls and exiting. */
    shutdownGraceMs: number;
  };
  /** `callId` lookups: planning (src/calls/lookup-planner.ts) and sharing across requests (src/calls/lookup.ts). */
  lookups: {
    /** How long a looked-up record is reused by later requests of the same credential; 0 turns the cache off. */
    cacheTtlMs: number;
    cacheMaxEntries: number;
    /** Whether batches of `<epoch>.<seq>` ids may be answered by date-window scans. */
    windowScan: boolean;
  };
  /** When set, /graphql only answers requests carrying it in the `router-authorization` header. */
  routerSecret: string | undefined;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.string().default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ACEFONE_BASE_URL: z
    .url({ protocol: /^https?$/ })
    // Paths are appended to it: a query or fragment would swallow them.
    .refine((u) => !/[?#]/.test(u), 'must not have a query or a fragment')
    .default('https://api.acefone.in')
    .transform((u) => u.replace(/\/+$/, '')),
  ACEFONE_API_TOKEN: z.string().trim().min(1).optional(),
  ACEFONE_LOGIN_ID: z.string().trim().min(1).optional(),
  // Not trimmed: a password may legitimately start or end with a space.
  ACEFONE_PASSWORD: z.string().min(1).optional(),
  ACEFONE_LOGIN_FIELD: z.enum(['email', 'login_id']).default('email'),
  ACEFONE_FORWARD_AUTH: bool.optional(),
  ACEFONE_TIMEZONE: z
    .string()
    .default('Asia/Kolkata')
    .refine(isValidTimeZone, 'must be an IANA time zone name such as Asia/Kolkata'),
  ACEFONE_PAGE_SIZE: int(1, 1000).default(100),
  ACEFONE_TIMEOUT_MS: int(100, 120_000).default(5000),
  ACEFONE_RETRIES: int(0, 5).default(2),
  ACEFONE_MAX_RETRY_AFTER_MS: int(0, 120_000).default(10_000),
  ACEFONE_CONCURRENCY: int(1, 64).default(6),
  ACEFONE_MAX_CONNECTIONS: int(1, 1024).default(32),
  ACEFONE_ARRAY_FORMAT: z.enum(['brackets', 'indices', 'comma']).default('brackets'),
  ACEFONE_DEADLINE_MS: int(100, 120_000).default(12_000),
  ACEFONE_BACKOFF_MS: int(1, 10_000).default(200),
  ACEFONE_RATE_LIMIT: int(1, 100_000).optional(),
  ACEFONE_CREDENTIAL_CONCURRENCY: int(1, 1000).default(4),
  ACEFONE_BREAKER_THRESHOLD: int(1, 1000).default(5),
  ACEFONE_BREAKER_RESET_MS: int(10, 600_000).default(10_000),
  ACEFONE_MAX_BODY_BYTES: int(1024, 100_000_000).default(5_000_000),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_MAX_PAGE_SIZE: int(1, 10_000).default(500),
  GRAPHQL_MAX_DEPTH: int(1, 100).default(8),
  GRAPHQL_MAX_ALIASES: int(0, 1000).default(15),
  GRAPHQL_MAX_TOKENS: int(10, 100_000).default(1000),
  GRAPHQL_MAX_DIRECTIVES: int(0, 1000).default(10),
  GRAPHQL_MAX_COST: int(1, 1_000_000).default(100),
  APOLLO_INLINE_TRACES: bool.optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((list) => list.every((o) => o !== '*' && /^https?:\/\/[^/\s]+$/.test(o)), 'must be a comma-separated list of origins such as https://app.example.com (no * and no path)'),
  MAX_IN_FLIGHT: int(1, 100_000).default(200),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  CALL_CACHE_TTL_MS: int(0, 3_600_000).default(5000),
  CALL_CACHE_MAX_ENTRIES: int(1, 1_000_000).default(5000),
  CALL_WINDOW_SCAN: bool.default(true),
  ROUTER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_ENABLED: bool.default(true),
  // The standard OpenTelemetry variables that switch tracing on; the SDK reads them (and the other OTEL_*).
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_TRACES_EXPORTER: z
    .string()
    .regex(/^\s*(otlp|console|zipkin|none)\s*(,\s*(otlp|console|zipkin|none)\s*)*$/, 'must list otlp, console, zipkin or none')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  APOLLO_KEY: z.string().trim().min(1).optional(),
  APOLLO_GRAPH_REF: z
    .string()
    .regex(/^[\w-]+(@[\w-]+)?$/, 'must be graph-id@variant')
    .optional(),
}).refine((e) => (e.APOLLO_KEY === undefined) === (e.APOLLO_GRAPH_REF === undefined), {
  message: 'must be set together with APOLLO_KEY (both or neither)',
  path: ['APOLLO_GRAPH_REF'],
});

/** Tracing is on when an exporter is named (other than `none`) or an OTLP endpoint is given. */
function tracingConfigured(e: z.infer<typeof EnvSchema>): boolean {
  if (e.OTEL_SDK_DISABLED) return false;
  if (e.OTEL_TRACES_EXPORTER !== undefined) return !/\bnone\b/.test(e.OTEL_TRACES_EXPORTER);
  return e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Builds the Config from an environment (process.env at boot; a plain object in tests). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (a common result of `FOO= npm start` or compose files).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Never echo the value: it may be a credential.
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const auth = authMode(e);
  const demo = auth.mode === 'demo';
  const development = e.NODE_ENV === 'development';
  return {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL ?? (development ? 'debug' : 'info'),
    demo,
    upstream: {
      baseUrl: e.ACEFONE_BASE_URL,
      auth,
      timeZone: e.ACEFONE_TIMEZONE,
      pageSize: e.ACEFONE_PAGE_SIZE,
      timeoutMs: e.ACEFONE_TIMEOUT_MS,
      retries: e.ACEFONE_RETRIES,
      maxRetryAfterMs: e.ACEFONE_MAX_RETRY_AFTER_MS,
      concurrency: e.ACEFONE_CONCURRENCY,
      maxConnections: e.ACEFONE_MAX_CONNECTIONS,
      arrayFormat: e.ACEFONE_ARRAY_FORMAT,
      deadlineMs: e.ACEFONE_DEADLINE_MS,
      backoffMs: e.ACEFONE_BACKOFF_MS,
      // Public clients pace this API at 3-10 requests/s; the embedded simulator needs no pacing.
      ratePerSecond: e.ACEFONE_RATE_LIMIT ?? (demo ? 1000 : 10),
      credentialConcurrency: e.ACEFONE_CREDENTIAL_CONCURRENCY,
      breakerThreshold: e.ACEFONE_BREAKER_THRESHOLD,
      breakerResetMs: e.ACEFONE_BREAKER_RESET_MS,
      maxBodyBytes: e.ACEFONE_MAX_BODY_BYTES,
    },
    tracing: tracingConfigured(e),
    apollo: e.APOLLO_KEY && e.APOLLO_GRAPH_REF ? { key: e.APOLLO_KEY, graphRef: e.APOLLO_GRAPH_REF } : undefined,
    metricsEnabled: e.METRICS_ENABLED,
    graphql: {
      // Safe by default: introspection only when asked for, in development, or in demo mode.
      introspection: e.GRAPHQL_INTROSPECTION ?? (demo || development),
      maxPageSize: e.GRAPHQL_MAX_PAGE_SIZE,
      limits: {
        depth: e.GRAPHQL_MAX_DEPTH,
        aliases: e.GRAPHQL_MAX_ALIASES,
        tokens: e.GRAPHQL_MAX_TOKENS,
        directives: e.GRAPHQL_MAX_DIRECTIVES,
        cost: e.GRAPHQL_MAX_COST,
      },
      // With ROUTER_SECRET set only the router reaches /graphql, so its ftv1 requests can be answered.
      inlineTraces: e.APOLLO_INLINE_TRACES ?? e.ROUTER_SECRET !== undefined,
    },
    http: {
      // Apollo Studio's Sandbox may call a demo or development gateway from the browser.
      corsOrigins: [...new Set([...e.CORS_ORIGINS, ...(demo || development ? ['https://studio.apollographql.com'] : [])])],
      maxInFlight: e.MAX_IN_FLIGHT,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    },
    lookups: {
      cacheTtlMs: e.CALL_CACHE_TTL_MS,
      cacheMaxEntries: e.CALL_CACHE_MAX_ENTRIES,
      windowScan: e.CALL_WINDOW_SCAN,
    },
    routerSecret: e.ROUTER_SECRET,
  };
}

/** The one credential mode the environment selects; conflicting or half-set settings stop the boot. */
function authMode(e: z.infer<typeof EnvSchema>): UpstreamAuth {
  const login = e.ACEFONE_LOGIN_ID !== undefined || e.ACEFONE_PASSWORD !== undefined;
  const chosen = [
    e.ACEFONE_API_TOKEN !== undefined && 'ACEFONE_API_TOKEN',
    login && 'ACEFONE_LOGIN_ID/ACEFONE_PASSWORD',
    e.ACEFONE_FORWARD_AUTH === true && 'ACEFONE_FORWARD_AUTH',
  ].filter((v) => v !== false);
  if (chosen.length > 1)
    throw new ConfigError(`Invalid configuration: ${chosen.join(', ')} are alternative credential modes; set only one`);
  if (e.ACEFONE_API_TOKEN !== undefined) return { mode: 'static', token: e.ACEFONE_API_TOKEN };
  if (login) {
    if (e.ACEFONE_LOGIN_ID === undefined || e.ACEFONE_PASSWORD === undefined)
      throw new ConfigError('Invalid configuration: ACEFONE_LOGIN_ID and ACEFONE_PASSWORD must be set together');
    return { mode: 'login', loginId: e.ACEFONE_LOGIN_ID, password: e.ACEFONE_PASSWORD, loginField: e.ACEFONE_LOGIN_FIELD };
  }
  if (e.ACEFONE_FORWARD_AUTH === true) return { mode: 'forwarded' };
  return { mode: 'demo' };
}

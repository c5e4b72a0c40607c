/**
 * `npm run bench:ky`: CPU per upstream call of ky alone, with the gateway's retry options and a `fetch` that
 * answers a one-record page from memory (no sockets, no guard), so ky's own cost per call can be compared
 * between ways of calling it. The figures in docs/performance.md ("What ky costs per call") come from here.
 * The gateway now calls ky as in 'retry: 0, no timeouts' (its guard owns attempts, timeouts and retries).
 *
 * Env: KY_CALLS (timed calls per variant and round, 10000), KY_ROUNDS (3).
 */
import ky from 'ky';

const CALLS = Number(process.env.KY_CALLS ?? 10_000);
const ROUNDS = Number(process.env.KY_ROUNDS ?? 3);

const body = Buffer.from(JSON.stringify({ count: 1, limit: 1, page: 1, results: [{ call_id: '1763640000.1', id: '1' }] }));
const headers = { 'content-type': 'application/json' };
const fetchFromMemory: typeof fetch = async () => new Response(body, { headers });

// As src/upstream/http.ts configures it (values of the defaults).
const retry = {
  limit: 2,
  methods: ['get'],
  statusCodes: [408, 429, 500, 502, 503, 504],
  afterStatusCodes: [429, 503],
  maxRetryAfter: 5000,
  backoffLimit: 2000,
  delay: (attempt: number) => 200 * 2 ** (attempt - 1),
  jitter: true,
  retryOnTimeout: true,
  shouldRetry: () => undefined,
};
const common = { headers: { accept: 'application/json' }, fetch: fetchFromMemory, timeout: 5000, totalTimeout: 12_000 };
const withBaseUrl = ky.create({ ...common, baseUrl: 'http://upstream.test/', retry, hooks: { beforeRetry: [() => {}] } });
const withPrefix = ky.create({ ...common, prefix: 'http://upstream.test', retry, hooks: { beforeRetry: [() => {}] } });
const withoutRetries = ky.create({ ...common, prefix: 'http://upstream.test', retry: 0 });
const bare = ky.create({ headers: common.headers, fetch: fetchFromMemory, prefix: 'http://upstream.test', retry: 0, timeout: false });
const perCallBare = { headers: { authorization: 'Bearer token' } };

const params: Array<[string, string]> = [['call_id', '1763640000.1'], ['page', '1'], ['limit', '1']];
const perCall = { headers: { authorization: 'Bearer token' }, totalTimeout: 12_000 };

const variants: Record<string, () => Promise<unknown>> = {
  'ky: baseUrl + searchParams (before)': () => withBaseUrl.get('v1/call/records', { ...perCall, searchParams: params }).json(),
  'ky: prefix + query in the input (now)': () => withPrefix.get(`v1/call/records?${new URLSearchParams(params)}`, perCall).json(),
  'ky: the same with retry: 0': () => withoutRetries.get(`v1/call/records?${new URLSearchParams(params)}`, perCall).json(),
  'ky: retry: 0, no timeouts (the guard\'s own)': () => bare.get(`v1/call/records?${new URLSearchParams(params)}`, perCallBare).json(),
  'no ky: Response, text(), JSON.parse': async () => JSON.parse(await (await fetchFromMemory('x')).text()),
  'no ky, no Response: Buffer#toString, JSON.parse': async () => JSON.parse(body.toString()),
};

for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, call] of Object.entries(variants)) {
    for (let i = 0; i < Math.min(2000, CALLS); i++) await call();
    const start = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await call();
    const cpu = process.cpuUsage(start);
    console.log(`round ${round}  ${name.padEnd(50)} ${((cpu.user + cpu.system) / CALLS).toFixed(1)} µs CPU a call`);
  }
}

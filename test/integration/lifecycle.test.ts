import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';
import { NOW, startGateway } from '../helpers/gateway.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const RECORDS = '/v1/call/records';

let child: ChildProcess | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await sim?.close();
  sim = undefined;
});

/** Spawns the real gateway (src/main.ts) against the simulator; resolves with its port once it is listening. */
async function spawnGateway(env: Record<string, string>): Promise<{ port: number; exited: Promise<number | null> }> {
  sim = await createSimulator({ now: NOW, records: 20 });
  const proc = spawn(process.execPath, [TSX, 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      ACEFONE_API_TOKEN: 'demo-token',
      ACEFONE_BASE_URL: sim.url,
      ACEFONE_TIMEOUT_MS: '30000',
      ACEFONE_DEADLINE_MS: '60000',
      ACEFONE_RETRIES: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const m = /ready at http:\/\/localhost:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`gateway exited before listening: ${out}`)));
  });
  return { port, exited };
}

function query(port: number, q: string): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  return fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as never }));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('SIGTERM', () => {
  it('lets an in-flight request finish, refuses new connections, and exits 0', async () => {
    const { port, exited } = await spawnGateway({ SHUTDOWN_GRACE_MS: '10000' });
    sim!.fault({ path: RECORDS, delayMs: 700, times: 1 });
    const inFlight = query(port, `{ callRecords(first: 2) { nodes { callId } } }`);
    await until(() => sim!.count(RECORDS) === 1);
    child!.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(await exited).toBe(0);
  });

  it('aborts upstream requests still open when the grace period ends, answers them, and exits 0', async () => {
    const { port, exited } = await spawnGateway({ SHUTDOWN_GRACE_MS: '300' });
    sim!.fault({ path: RECORDS, delayMs: 60_000, times: 1 });
    const inFlight = query(port, `{ callRecords(first: 2) { nodes { callId } } }`);
    await until(() => sim!.count(RECORDS) === 1);
    child!.kill('SIGTERM');
    const res = await inFlight;
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(await exited).toBe(0);
  });
});

describe('readiness and load shedding', () => {
  it('turns /readyz to 503 as soon as the stop begins', async () => {
    const gw = await startGateway({ sim: { records: 5 } });
    const probe = http.createServer(gw.server.app);
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(probe.address() as { port: number }).port}/readyz`;
    expect((await fetch(url)).status).toBe(200);
    const stopping = gw.close();
    expect((await fetch(url)).status).toBe(503);
    await stopping;
    probe.closeAllConnections();
    await new Promise((r) => probe.close(r));
  });

  it('answers 503 at once over MAX_IN_FLIGHT while /healthz keeps answering', async () => {
    const gw = await startGateway({ sim: { records: 5 }, env: { MAX_IN_FLIGHT: '2' } });
    try {
      gw.sim.fault({ path: RECORDS, delayMs: 500, times: 2 });
      // Two different pages: two identical reads in flight would share one upstream request.
      const slow = [gw.gql(`{ callRecords(first: 1) { totalCount } }`), gw.gql(`{ callRecords(first: 2) { totalCount } }`)];
      await until(() => gw.sim.count(RECORDS) === 2);
      const shed = await gw.gql(`{ callRecords(first: 1) { totalCount } }`);
      expect(shed.status).toBe(503);
      expect(shed.errors?.[0]?.extensions?.code).toBe('SERVICE_OVERLOADED');
      expect(gw.sim.count(RECORDS)).toBe(2);
      const health = await fetch(gw.url.replace('/graphql', '/healthz'));
      expect(health.status).toBe(200);
      for (const r of await Promise.all(slow)) expect(r.errors).toBeUndefined();
      expect((await gw.gql(`{ callRecords(first: 1) { totalCount } }`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

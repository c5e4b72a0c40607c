import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ records: 5 });
});
afterAll(() => sim.close());

const post = (path: string, init: RequestInit) => fetch(`${sim.url}${path}`, { method: 'POST', ...init });

it('expireLoginTokens() ends every issued login token: records and refresh answer 401, portal tokens still work', async () => {
  const login = await post('/v1/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const records = (t: string) => fetch(`${sim.url}/v1/call/records`, { headers: { authorization: `Bearer ${t}` } });
  expect((await records(token)).status).toBe(200);
  sim.expireLoginTokens();
  expect((await records(token)).status).toBe(401);
  expect((await post('/v1/auth/refresh', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  expect((await records('demo-token')).status).toBe(200);
});

import { describe, expect, it } from '@jest/globals';
import { startGateway } from '../helpers/gateway.js';

/** The landing page a browser gets, with the Sandbox initial state embedded in it. */
async function landingPage(env: Record<string, string>): Promise<string> {
  const gw = await startGateway({ env: { GRAPHQL_INTROSPECTION: 'true', ...env } });
  try {
    const res = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    await gw.close();
  }
}

describe('Apollo Sandbox', () => {
  it('opens with the example operation', async () => {
    const html = await landingPage({});
    expect(html).toContain('query RecentCalls');
    expect(html).not.toContain('Bearer <your Acefone API token>');
  });

  it('in forwarded mode, explains and pre-fills the Authorization header the caller must send', async () => {
    const html = await landingPage({ ACEFONE_FORWARD_AUTH: 'true' });
    expect(html).toContain('query RecentCalls');
    expect(html).toContain('401 UNAUTHENTICATED');
    expect(html).toMatch(/"headers":\{"Authorization":"Bearer <your Acefone API token>"\}/);
  });
});

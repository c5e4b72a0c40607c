import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Report } from '@apollo/usage-reporting-protobuf';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

/** A loopback stand-in for GraphOS's usage ingress: resolves each report as it arrives. */
function startIngress() {
  const waiting: Array<(body: Buffer) => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.end('ok');
      waiting.shift()?.(gunzipSync(Buffer.concat(chunks)));
    });
  });
  return {
    server,
    nextReport: () => new Promise<Buffer>((resolve) => waiting.push(resolve)),
  };
}

let gw: TestGateway;
const ingress = startIngress();
beforeAll(async () => {
  await new Promise<void>((resolve) => ingress.server.listen(0, '127.0.0.1', resolve));
  const { port } = ingress.server.address() as { port: number };
  gw = await startGateway({
    env: { APOLLO_KEY: 'service:test-graph:not-a-real-key', APOLLO_GRAPH_REF: 'test-graph@current' },
    deps: { usageReporting: { endpointUrl: `http://127.0.0.1:${port}`, sendReportsImmediately: true } },
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise((resolve) => ingress.server.close(resolve));
});

describe('GraphOS usage reporting (APOLLO_KEY + APOLLO_GRAPH_REF)', () => {
  it('reports operations by name, without variable values or headers', async () => {
    const report = ingress.nextReport();
    const target = gw.sim.records()[7]!;
    expectData(
      await gw.gql(
        `query OneCall($id: ID!) { callRecord(callId: $id) { callId status } }`,
        { id: target.call_id },
        { authorization: 'Bearer client-secret-123', 'apollographql-client-name': 'web' },
      ),
    );
    const raw = await report;
    const decoded = Report.decode(raw);
    expect(decoded.header?.graphRef).toBe('test-graph@current');
    expect(Object.keys(decoded.tracesPerQuery).some((k) => k.startsWith('# OneCall'))).toBe(true);
    const text = raw.toString('latin1');
    expect(text).not.toContain(target.call_id);
    expect(text).not.toContain('client-secret-123');
    expect(text).not.toContain('not-a-real-key');
  });
});

describe('configuration', () => {
  it('refuses APOLLO_KEY without APOLLO_GRAPH_REF, naming the variable', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ APOLLO_KEY: 'service:x:secret-value' })).toThrow(/APOLLO_GRAPH_REF/);
    expect(() => loadConfig({ APOLLO_KEY: 'service:x:secret-value' })).not.toThrow(/secret-value/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const FIELDS = `callId id uuid direction status startedAt endedAt date time endStamp agentRingTime callDuration
  circle { operator circle } callFlow { kind type time number raw } recordingUrl`;

describe('callRecords over HTTP against the simulator', () => {
  it('returns the newest calls first, as the upstream orders them, with the upstream count', async () => {
    const data = expectData(
      await gw.gql<{ callRecords: { totalCount: number; nodes: Array<{ callId: string; startedAt: string }> } }>(
        `{ callRecords(first: 5) { totalCount nodes { callId startedAt } } }`,
      ),
    );
    const truth = gw.sim.records();
    expect(data.callRecords.totalCount).toBe(truth.length);
    expect(data.callRecords.nodes.map((n) => n.callId)).toEqual(truth.slice(0, 5).map((r) => r.call_id));
    const times = data.callRecords.nodes.map((n) => Date.parse(n.startedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('serves every field of a record, normalised', async () => {
    const data = expectData(await gw.gql<{ callRecords: { nodes: Array<Record<string, unknown>> } }>(`{ callRecords(first: 50) { nodes { ${FIELDS} } } }`));
    for (const node of data.callRecords.nodes) {
      expect(typeof node.callId).toBe('string');
      expect(['INBOUND', 'OUTBOUND', null]).toContain(node.direction);
      expect(node.startedAt === null || !Number.isNaN(Date.parse(node.startedAt as string))).toBe(true);
      expect(node.agentRingTime === null || Number.isInteger(node.agentRingTime)).toBe(true);
      expect(Array.isArray(node.callFlow)).toBe(true);
    }
  });

  it('looks up one call by id, and answers null for an id the upstream does not know', async () => {
    const target = gw.sim.records()[42]!;
    const data = expectData(
      await gw.gql<{ hit: { callId: string; date: string } | null; miss: unknown }>(
        `query($id: ID!) { hit: callRecord(callId: $id) { callId date } miss: callRecord(callId: "0000000000.0") { callId } }`,
        { id: target.call_id },
      ),
    );
    expect(data.hit).toEqual({ callId: target.call_id, date: target.date });
    expect(data.miss).toBeNull();
  });

  it('returns callRecordsByCallIds in input order with null for missing ids', async () => {
    const [a, b] = gw.sim.records().slice(3, 5);
    const data = expectData(
      await gw.gql<{ callRecordsByCallIds: Array<{ callId: string } | null> }>(
        `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`,
        { ids: [b!.call_id, 'nope', a!.call_id] },
      ),
    );
    expect(data.callRecordsByCallIds).toEqual([{ callId: b!.call_id }, null, { callId: a!.call_id }]);
  });
});

describe('federation', () => {
  it('publishes its SDL through _service with the @key on CallRecord', async () => {
    const data = expectData(await gw.gql<{ _service: { sdl: string } }>(`{ _service { sdl } }`));
    expect(data._service.sdl).toContain('type CallRecord @key(fields: "callId")');
    expect(data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
  });

  it('resolves _entities representations through the loader', async () => {
    const [a, b] = gw.sim.records().slice(10, 12);
    const data = expectData(
      await gw.gql<{ _entities: Array<{ callId: string; clientNumber: string } | null> }>(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId clientNumber } } }`,
        {
          r: [
            { __typename: 'CallRecord', callId: a!.call_id },
            { __typename: 'CallRecord', callId: 'missing' },
            { __typename: 'CallRecord', callId: b!.call_id },
          ],
        },
      ),
    );
    expect(data._entities).toEqual([
      { callId: a!.call_id, clientNumber: a!.client_number },
      null,
      { callId: b!.call_id, clientNumber: b!.client_number },
    ]);
  });

  it('answers with cache-control: no-store (call records are never cacheable)', async () => {
    const res = await gw.gql(`{ callRecords(first: 1) { nodes { callId } } }`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

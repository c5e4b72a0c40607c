import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { CallRecordDto } from '../../src/calls/dto.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const RECORDS = '/v1/call/records';
let gw: TestGateway;
let truth: CallRecordDto[];
beforeAll(async () => {
  gw = await startGateway({ sim: { records: 30 } });
  truth = gw.sim.records();
});
beforeEach(() => gw.sim.clearFaults());
afterAll(() => gw.close());

const page = (results: unknown[]) =>
  JSON.stringify({ count: results.length, limit: 100, size: results.length, page: 1, results });

describe('per item', () => {
  it('serves the readable records of a page and reports the unreadable rows at the list path', async () => {
    const [a, b] = truth;
    gw.sim.fault({ path: RECORDS, body: page([a, { id: 'x', call_id: null, secret: 'SENTINEL' }, 'garbage', b]), times: 1 });
    const res = await gw.gql<{ callRecords: { nodes: Array<{ callId: string }> } }>(`{ callRecords(first: 4) { nodes { callId } } }`);
    expect(res.data?.callRecords.nodes.map((n) => n.callId)).toEqual([a!.call_id, b!.call_id]);
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['callRecords'], extensions: { code: 'UPSTREAM_BAD_RESPONSE', unreadableRecords: 2 } }),
    ]);
    expect(JSON.stringify(res)).not.toContain('SENTINEL');
  });

  it('reads every documented variant of a record without an error', async () => {
    const base = truth[0]!;
    const variant: Record<string, unknown> = {
      ...base,
      id: 4711,
      agent_ring_time: 'N.A.',
      call_duration: '42',
      charges: null,
      circle: null,
      call_flow: [
        { type: 'init', value: base.call_id, time: '1714657799' },
        { type: 'Agent', id: 7, name: 'A', dialst: 'Answered', num: '123', time: 1714657801 },
        { type: 'voice-streaming', id: '553', status: 'started', time: 1714657802.338 },
        { anstime: 1714657803, time: 1714657803 },
      ],
    };
    const hex = { ...truth[1]!, id: '65f1c0ffee0ddba11deadbe1', answered_seconds: 'N.A.', missed_agents: null, call_flow: null };
    gw.sim.fault({ path: RECORDS, body: page([variant, hex]), times: 1 });
    const res = await gw.gql<{ callRecords: { nodes: Array<Record<string, unknown>> } }>(
      `{ callRecords(first: 2) { nodes { id callId agentRingTime callDuration charges circle { circle } answeredSeconds callFlow { kind time } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const [v, h] = res.data!.callRecords.nodes;
    expect(v).toMatchObject({ id: '4711', agentRingTime: null, callDuration: 42, charges: null, circle: null });
    expect((v!.callFlow as Array<{ kind: string; time: string }>).map((e) => e.kind)).toEqual(['INIT', 'AGENT', 'VOICE_STREAMING', 'ANSWER']);
    expect(h).toMatchObject({ id: '65f1c0ffee0ddba11deadbe1', answeredSeconds: null, callFlow: [] });
  });

  it('turns a field of an unexpected type into null without echoing it', async () => {
    gw.sim.fault({ path: RECORDS, body: page([{ ...truth[0]!, call_duration: { evil: 'SENTINEL' }, direction: ['SENTINEL'] }]), times: 1 });
    const res = await gw.gql<{ callRecords: { nodes: Array<Record<string, unknown>> } }>(`{ callRecords(first: 1) { nodes { callDuration direction } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.callRecords.nodes).toEqual([{ callDuration: null, direction: null }]);
  });
});

describe('partial failure in lookups', () => {
  it('nulls only the failing entry of callRecordsByCallIds, with its own path', async () => {
    const [a, b, c] = truth.slice(3, 6);
    gw.sim.fault({ path: RECORDS, status: 500, when: (r) => r.params.get('call_id') === b!.call_id });
    const res = await gw.gql<{ callRecordsByCallIds: Array<{ callId: string } | null> }>(
      `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`,
      { ids: [a!.call_id, b!.call_id, c!.call_id] },
    );
    expect(res.data?.callRecordsByCallIds).toEqual([{ callId: a!.call_id }, null, { callId: c!.call_id }]);
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['callRecordsByCallIds', 1], 'UPSTREAM_UNAVAILABLE']]);
  });

  it('nulls only the failing representation of _entities, with its own path', async () => {
    const [a, b] = truth.slice(6, 8);
    gw.sim.fault({ path: RECORDS, status: 403, when: (r) => r.params.get('call_id') === a!.call_id });
    const res = await gw.gql<{ _entities: Array<{ callId: string } | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { callId } } }`,
      { r: [a, b].map((x) => ({ __typename: 'CallRecord', callId: x!.call_id })) },
    );
    expect(res.data?._entities).toEqual([null, { callId: b!.call_id }]);
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['_entities', 0], 'FORBIDDEN']]);
  });

  it('errors a lookup whose record is unreadable, instead of calling it missing', async () => {
    const [a, b] = truth.slice(8, 10);
    gw.sim.fault({ path: RECORDS, body: page([{ call_id: b!.call_id }]), when: (r) => r.params.get('call_id') === b!.call_id });
    const res = await gw.gql<{ callRecordsByCallIds: Array<{ callId: string } | null> }>(
      `query($ids: [ID!]!) { callRecordsByCallIds(callIds: $ids) { callId } }`,
      { ids: [a!.call_id, b!.call_id] },
    );
    expect(res.data?.callRecordsByCallIds).toEqual([{ callId: a!.call_id }, null]);
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['callRecordsByCallIds', 1], 'UPSTREAM_BAD_RESPONSE']]);
  });
});

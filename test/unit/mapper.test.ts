import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { CallRecordDto } from '../../src/calls/dto.js';
import { toCallFlowEvent, toCallRecord } from '../../src/calls/mapper.js';

const sample = JSON.parse(readFileSync(new URL('../fixtures/sample-response.json', import.meta.url), 'utf8')) as {
  results: CallRecordDto[];
};
const record = sample.results[0]!;

describe('mapping the vendor sample record', () => {
  const mapped = toCallRecord(record, 'Asia/Kolkata');

  it('keeps every upstream field, renamed to camelCase', () => {
    expect(mapped).toMatchObject({
      id: '66339a440ac50d47500dbc9e',
      callId: '1714657799.11930963',
      uuid: '66339a0b7cfde',
      direction: 'OUTBOUND',
      description: 'Call answered by customer',
      detailedDescription: null,
      status: 'answered',
      service: 'Agent',
      date: '2024-05-02',
      time: '19:19:59',
      endStamp: '2024-05-02 19:20:57',
      callDuration: 54,
      answeredSeconds: 40,
      minutesConsumed: 2,
      charges: 0,
      agentNumber: '+919888889999',
      agentName: 'pqrs',
      clientNumber: '+91700003233',
      didNumber: '+918069858731',
      reason: 'disconnected_by_caller',
      hangupCause: 'Normal clearing',
      missedAgents: [],
      accountId: 'Demo Account',
      circle: { operator: 'Jio', circle: 'Delhi' },
      callHint: 'clicktocall',
      supportApiCall: false,
      isIncomingFromBroadcast: false,
      callerIdNum: '+918069858731',
      voicemailRecording: false,
      awsCallRecordingIdentifier: 'a72e103c2a8f6a5f418443801d25e7cc',
      transferMissedAgent: [],
    });
    expect(mapped.recordingUrl).toContain('/file/recording?callId=1714657799.11930963');
  });

  it('reads start and end in the account time zone', () => {
    expect((mapped.startedAt as Date).toISOString()).toBe('2024-05-02T13:49:59.000Z');
    expect((mapped.endedAt as Date).toISOString()).toBe('2024-05-02T13:50:57.000Z');
  });

  it('turns "N.A." ring time into null and numeric strings into numbers', () => {
    expect(mapped.agentRingTime).toBeNull();
    expect(toCallRecord({ ...record, agent_ring_time: '12' }, 'Asia/Kolkata').agentRingTime).toBe(12);
  });

  it('normalises every call-flow row and keeps the raw row', () => {
    expect(mapped.callFlow.map((e) => e.kind)).toEqual(['INIT', 'AGENT', 'CLICK_TO_CALL', 'AGENT', 'ANSWER', 'HANGUP']);
    const [init, agent, , agent2, answer] = mapped.callFlow;
    expect(init).toMatchObject({ type: 'init', value: '1714657799.11930963' });
    expect((init!.time as Date).toISOString()).toBe('2024-05-02T13:50:03.000Z');
    expect(agent).toMatchObject({ id: '050109590016', name: 'xyz', dialStatus: 'Dialed', number: '+9198000099929' });
    expect(agent2).toMatchObject({ number: '20607011215773', dialStatus: 'Answered', id: null });
    expect(answer).toMatchObject({ type: null });
    expect((answer!.answeredAt as Date).toISOString()).toBe('2024-05-02T13:50:17.000Z');
    expect(mapped.callFlow[0]!.raw).toEqual(record.call_flow![0]);
  });
});

describe('upstream variants', () => {
  it('accepts an integer record id and inbound direction; unknown directions become null', () => {
    expect(toCallRecord({ ...record, id: 1, direction: 'inbound' }, 'Asia/Kolkata')).toMatchObject({ id: '1', direction: 'INBOUND' });
    expect(toCallRecord({ ...record, direction: 'clicktocall' }, 'Asia/Kolkata').direction).toBeNull();
  });

  it('keeps voice-streaming rows with float times and string-or-number ids, and unknown keys in raw', () => {
    const row = { type: 'voice-streaming', id: 553, name: 'bot', s_id: 'x1', status: 'started', time: 1770534294.338 };
    const event = toCallFlowEvent(row);
    expect(event).toMatchObject({ kind: 'VOICE_STREAMING', id: '553', status: 'started' });
    expect((event.time as Date).getTime()).toBe(1770534294338);
    expect(event.raw).toEqual(row);
    expect(toCallFlowEvent({ type: 'Auto+Attendant', id: '7' }).kind).toBe('AUTO_ATTENDANT');
    expect(toCallFlowEvent({ type: 'IVR', dtmf: '2' })).toMatchObject({ kind: 'IVR', dtmf: '2' });
    expect(toCallFlowEvent({ type: 'SomethingNew' }).kind).toBe('OTHER');
  });

  it('survives nulls, wrong types and missing fields without failing the record', () => {
    const sparse = toCallRecord(
      { id: 'a', call_id: 'c', call_flow: null, circle: null, missed_agents: null, call_duration: 'x', date: null } as CallRecordDto,
      'Asia/Kolkata',
    );
    expect(sparse).toMatchObject({ callFlow: [], circle: null, missedAgents: [], callDuration: null, startedAt: null });
  });
});

import type { CallFlowEventKind, CallDirection } from '../__generated__/resolvers-types.js';
import { parseEpochSeconds, parseWallClock } from '../shared/time.js';
import type { CallFlowEventDto, CallRecordDto } from './dto.js';
import type { CallFlowEventModel, CallRecordModel } from './model.js';

/*
 * Upstream record -> GraphQL shape, once per record. Tolerant by design: a field of an unexpected type becomes
 * null rather than failing the record (see ../shared/upstream/observed-behaviour.md for the variants seen).
 */

const str = (v: unknown): string | null =>
  typeof v === 'string' ? (v === '' ? null : v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;

const int = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : null;
};

const float = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

const bool = (v: unknown): boolean | null =>
  typeof v === 'boolean' ? v : v === 1 || v === '1' || v === 'true' ? true : v === 0 || v === '0' || v === 'false' ? false : null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function direction(v: unknown): CallDirection | null {
  if (typeof v !== 'string') return null;
  const d = v.toLowerCase();
  return d === 'inbound' ? 'INBOUND' : d === 'outbound' ? 'OUTBOUND' : null;
}

function flowKind(type: string | null, row: CallFlowEventDto): CallFlowEventKind {
  if (type === null) return row.anstime !== undefined && row.anstime !== null ? 'ANSWER' : 'OTHER';
  const t = type.toLowerCase().replace(/[+_\s-]+/g, '');
  if (t === 'init') return 'INIT';
  if (t === 'agent') return 'AGENT';
  if (t === 'clicktocall') return 'CLICK_TO_CALL';
  if (t === 'hangup') return 'HANGUP';
  if (t === 'voicestreaming') return 'VOICE_STREAMING';
  if (t.includes('ivr')) return 'IVR';
  if (t.includes('auto') && t.includes('attendant')) return 'AUTO_ATTENDANT';
  if (t.includes('queue') || t.startsWith('inbound') || t.includes('department')) return 'QUEUE';
  if (t.includes('timegroup')) return 'TIME_GROUP';
  return 'OTHER';
}

export function toCallFlowEvent(row: CallFlowEventDto): CallFlowEventModel {
  const type = str(row.type);
  return {
    type,
    kind: flowKind(type, row),
    time: parseEpochSeconds(row.time),
    answeredAt: parseEpochSeconds(row.anstime),
    id: str(row.id),
    name: str(row.name),
    number: str(row.num) ?? str(row.number),
    dialStatus: str(row.dialst),
    value: str(row.value),
    email: str(row.email),
    dtmf: str(row.dtmf),
    status: str(row.status),
    readableTime: str(row.readableTime),
    raw: row,
  };
}

function missedAgents(v: unknown): CallRecordModel['missedAgents'] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((a) => ({ name: str(a.name), number: str(a.number) }));
}

/** Maps one upstream record to its GraphQL shape; `tz` is the account's time zone for wall-clock fields. */
export function toCallRecord(dto: CallRecordDto, tz: string): CallRecordModel {
  const date = str(dto.date);
  const time = str(dto.time);
  const endStamp = str(dto.end_stamp);
  const circle = isObject(dto.circle) ? { operator: str(dto.circle.operator), circle: str(dto.circle.circle) } : null;
  const dialer = isObject(dto.dialer_call_details) ? dto.dialer_call_details : null;
  const custom = isObject(dto.custom_status) ? dto.custom_status : null;
  return {
    callId: String(dto.call_id),
    id: String(dto.id),
    uuid: str(dto.uuid),
    direction: direction(dto.direction),
    description: str(dto.description),
    detailedDescription: str(dto.detailed_description),
    status: str(dto.status),
    blockedNumberId: str(dto.blocked_number_id),
    recordingUrl: str(dto.recording_url),
    service: str(dto.service),
    date,
    time,
    endStamp,
    startedAt: date && time ? parseWallClock(`${date} ${time}`, tz) : null,
    endedAt: parseWallClock(endStamp, tz),
    broadcastId: str(dto.broadcast_id),
    dtmfInput: str(dto.dtmf_input),
    callDuration: int(dto.call_duration),
    answeredSeconds: int(dto.answered_seconds),
    minutesConsumed: int(dto.minutes_consumed),
    charges: float(dto.charges),
    departmentName: str(dto.department_name),
    agentNumber: str(dto.agent_number),
    agentNumberWithPrefix: str(dto.agent_number_with_prefix),
    agentName: str(dto.agent_name),
    clientNumber: str(dto.client_number),
    didNumber: str(dto.did_number),
    reason: str(dto.reason),
    hangupCause: str(dto.hangup_cause),
    notes: dto.notes ?? null,
    contactDetails: dto.contact_details ?? null,
    missedAgents: missedAgents(dto.missed_agents),
    callFlow: Array.isArray(dto.call_flow) ? dto.call_flow.filter(isObject).map(toCallFlowEvent) : [],
    accountId: str(dto.accountid) ?? str(dto.account_id),
    // "N.A." (and anything else that is not a number) means "not applicable".
    agentRingTime: int(dto.agent_ring_time),
    circle,
    agentHangupData: dto.agent_hangup_data ?? null,
    transferMissedAgent: dto.transfer_missed_agent ?? null,
    callHint: str(dto.call_hint),
    supportApiCall: bool(dto.support_api_call),
    leadId: str(dto.lead_id),
    isIncomingFromBroadcast: bool(dto.is_incoming_from_broadcast),
    callerIdNum: str(dto.caller_id_num),
    sipAgentIds: dto.sip_agent_ids ?? null,
    dialerCallDetails: dialer && {
      campaignId: str(dialer.campaign_id),
      campaignName: str(dialer.campaign_name),
      listId: str(dialer.list_id),
      listName: str(dialer.list_name),
      dispositionName: str(dialer.disposition_name),
      raw: dialer,
    },
    customStatus: custom && { name: str(custom.name), code: str(custom.code) },
    voicemailRecording: bool(dto.voicemail_recording),
    awsCallRecordingIdentifier: str(dto.aws_call_recording_identifier),
  };
}

/**
 * Deterministic generation of one account's call detail records, shaped like the upstream's
 * (see /work/shared/upstream/sample-response.json and observed-behaviour.md §§7-9).
 */
import type { CallFlowEventDto, CallRecordDto } from '../calls/dto.js';
import type { WallClock } from './clock.js';
import { hashSeed, Random } from './prng.js';

export interface AgentInfo {
  id: string;
  name: string;
  /** `+91…` phone number, or `Extension-…` for softphone-only agents. */
  number: string;
  email: string;
  extension: string;
  departmentId: string;
}

export interface Named {
  id: string;
  name: string;
}

export interface AccountDirectory {
  accountId: string;
  agents: AgentInfo[];
  departments: Named[];
  ivrs: Named[];
  autoAttendants: Named[];
  broadcasts: Named[];
  campaigns: Named[];
  dids: string[];
}

/** A generated call and the facts the filters need that are not (reliably) in the record itself. */
export interface GeneratedCall {
  record: CallRecordDto;
  startEpoch: number;
}

type Scenario =
  | 'inbound_department'
  | 'inbound_ivr_agent'
  | 'inbound_agent'
  | 'inbound_auto_attendant'
  | 'click_to_call'
  | 'outbound_agent'
  | 'dialer'
  | 'broadcast';

const SCENARIOS: readonly (readonly [Scenario, number])[] = [
  ['inbound_department', 27],
  ['inbound_ivr_agent', 14],
  ['inbound_agent', 10],
  ['inbound_auto_attendant', 6],
  ['click_to_call', 20],
  ['outbound_agent', 11],
  ['dialer', 5],
  ['broadcast', 7],
];

const FIRST_NAMES = [
  'Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Sneha', 'Arjun', 'Kavya', 'Rahul', 'Meera', 'Karthik', 'Divya',
  'Nikhil', 'Pooja', 'Aditya', 'Isha', 'Siddharth', 'Neha', 'Manish', 'Lakshmi',
];
const LAST_NAMES = ['Sharma', 'Nair', 'Iyer', 'Gupta', 'Reddy', 'Singh', 'Menon', 'Patel', 'Das', 'Kulkarni', 'Joshi', 'Rao'];
const DEPARTMENTS = ['Sales', 'Support', 'Billing', 'Onboarding', 'Collections', 'Renewals'];
const IVRS = ['Main IVR', 'After Hours IVR', 'Support IVR', 'Hindi IVR'];
const AUTO_ATTENDANTS = ['Welcome Attendant', 'Holiday Attendant'];
const BROADCASTS = ['Diwali Offer', 'Payment Reminder', 'Renewal Campaign', 'Survey Blast'];
const CAMPAIGNS = ['Q3 Outreach', 'Lead Nurture', 'Win Back', 'Cross Sell'];
const OPERATORS = ['Jio', 'Airtel', 'Vodafone Idea', 'BSNL', 'Reliance Mobile GSM', 'MTNL'];
const CIRCLES = ['Delhi', 'Mumbai', 'Karnataka', 'Tamil Nadu', 'Kerala', 'Maharashtra', 'Gujarat', 'UP East', 'West Bengal'];
const DISPOSITIONS = ['Interested', 'Not Interested', 'Call Back', 'Wrong Number', 'Converted', 'Follow Up'];
const NOTES = ['Customer asked for a callback', 'Shared pricing', 'Escalated to L2', 'Wants a demo next week', 'Payment done'];
const CUSTOM_STATUSES: readonly Named[] = [
  { id: 'HOT', name: 'Hot Lead' },
  { id: 'FUP', name: 'Follow Up' },
  { id: 'DNC', name: 'Do Not Call' },
];

/** Builds the account's static directory (agents, departments, IVRs, DIDs) from its seed. */
export function buildDirectory(seed: number, accountIndex: number, accountId: string): AccountDirectory {
  const rng = new Random(hashSeed('directory', seed, accountIndex));
  const idPrefix = `0${rng.digits(7)}`;
  const departments: Named[] = rng.sample(DEPARTMENTS, 4).map((name) => ({ id: String(rng.int(1000, 9999)), name }));
  const usedNames = new Set<string>();
  const agents: AgentInfo[] = [];
  for (let i = 0; i < 10; i++) {
    let name = '';
    do name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    while (usedNames.has(name));
    usedNames.add(name);
    const dept = rng.pick(departments);
    const extension = `${rng.int(100, 999)}`;
    agents.push({
      id: `${idPrefix}${String(10 + i * 7 + rng.int(0, 6)).padStart(4, '0')}`,
      name,
      number: i % 5 === 4 ? `Extension-06${rng.digits(11)}` : `+91${rng.pick(['9', '8', '7'])}${rng.digits(9)}`,
      email: `${name.toLowerCase().replace(' ', '.')}@example.com`,
      extension,
      departmentId: dept.id,
    });
  }
  const named = (names: string[], count: number, lo: number, hi: number): Named[] =>
    rng.sample(names, count).map((name) => ({ id: String(rng.int(lo, hi)), name }));
  const didBase = `+91806${rng.digits(3)}`;
  return {
    accountId,
    agents,
    departments,
    ivrs: named(IVRS, 3, 100, 999),
    autoAttendants: named(AUTO_ATTENDANTS, 2, 10, 99),
    broadcasts: named(BROADCASTS, 3, 20000, 29999),
    campaigns: named(CAMPAIGNS, 2, 300, 899),
    dids: [0, 1, 2].map(() => `${didBase}${rng.digits(4)}`),
  };
}

/** Relative call volume by local hour (business hours dense) and weekday. */
function hourWeight(hour: number, weekday: number): number {
  const byHour = hour < 8 ? 0.04 : hour < 9 ? 0.35 : hour < 19 ? 1 : hour < 21 ? 0.45 : 0.12;
  return weekday === 0 ? byHour * 0.3 : weekday === 6 ? byHour * 0.6 : byHour;
}

/**
 * Start instants (epoch seconds, ascending) for `count` calls over the 30 days before `nowSec`: business hours
 * denser, a few bursts (many calls within one hour, some in the same second), the newest a few minutes before now.
 */
export function generateStarts(rng: Random, clock: WallClock, nowSec: number, count: number): number[] {
  if (count <= 0) return [];
  const span = 30 * 86400;
  const earliest = nowSec - span;
  const latestBackground = nowSec - 20 * 60;
  const starts: number[] = [nowSec - rng.int(150, 420)];
  const sampleInstant = (lo: number, hi: number): number => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const t = rng.int(lo, hi);
      const p = clock.parts(t);
      if (rng.float() < hourWeight(p.hour, p.weekday)) return t;
    }
    return rng.int(lo, hi);
  };
  const remaining = count - 1;
  const burstCount = remaining >= 100 ? Math.min(6, Math.max(2, Math.round(remaining / 400))) : 0;
  const burstSize = burstCount > 0 ? Math.min(80, Math.max(8, Math.round(remaining * 0.03))) : 0;
  for (let b = 0; b < burstCount; b++) {
    const centre = sampleInstant(earliest, latestBackground - 3600);
    let t = centre;
    for (let i = 0; i < burstSize && starts.length < count; i++) {
      // ~12% of burst calls start in the same second as the previous one (identical call_id epoch prefixes).
      if (i === 0 || !rng.chance(0.12)) t = centre + rng.int(0, 3599);
      starts.push(t);
    }
  }
  while (starts.length < count) starts.push(sampleInstant(earliest, latestBackground));
  return starts.sort((a, b) => a - b);
}

/** Stateful per-account factory: keeps the PBX sequence and the ObjectId counter moving forward. */
export class CallFactory {
  private seq: number;
  private counter: number;
  private readonly machine: string;
  private readonly clientPool: string[];

  constructor(
    private readonly rng: Random,
    private readonly dir: AccountDirectory,
    private readonly clock: WallClock,
    accountIndex: number,
  ) {
    this.seq = (accountIndex + 1) * 10_000_000 + rng.int(0, 999_999);
    this.counter = rng.int(0x100000, 0x7fffff);
    this.machine = rng.hex(10);
    this.clientPool = Array.from({ length: 250 }, () => this.freshClientNumber());
  }

  private freshClientNumber(): string {
    return `+91${this.rng.pick(['9', '8', '7', '6'])}${this.rng.digits(9)}`;
  }

  /** 24-hex ObjectId-like id (4-byte seconds, 5-byte machine, 3-byte counter); ~1 in 200 an old integer id. */
  private nextId(insertedAtSec: number): string | number {
    this.counter = (this.counter + 1) & 0xffffff;
    if (this.rng.chance(0.005)) return 100_000 + this.counter;
    return `${Math.floor(insertedAtSec).toString(16).padStart(8, '0')}${this.machine}${this.counter.toString(16).padStart(6, '0')}`;
  }

  private nextCallId(startEpoch: number, scenario: Scenario): string {
    this.seq += this.rng.int(1, 90);
    const r = this.rng.float();
    if ((scenario === 'dialer' && r < 0.6) || r < 0.004) return this.rng.uuid();
    if (r > 0.98) return `h${this.rng.int(1, 4)}.0${this.rng.int(1, 9)}-${startEpoch}.${this.seq}`;
    return `${startEpoch}.${this.seq}`;
  }

  /**
   * One call starting at `startEpoch`. `maxEnd` caps the hang-up instant (generated history never ends in the
   * future); `insertedAt` is when the CDR landed (drives the ObjectId time), default shortly after hang-up.
   */
  build(startEpoch: number, opts: { maxEnd?: number; insertedAt?: number } = {}): GeneratedCall {
    const rng = this.rng;
    const dir = this.dir;
    const clock = this.clock;
    const scenario = rng.weighted(SCENARIOS);
    const inbound = scenario.startsWith('inbound');
    const direction = inbound ? 'inbound' : 'outbound';
    let answered = rng.chance(inbound ? 0.7 : scenario === 'broadcast' ? 0.55 : 0.62);
    const callId = this.nextCallId(startEpoch, scenario);
    const client = rng.chance(0.6) ? rng.pick(this.clientPool) : this.freshClientNumber();
    const did = rng.pick(dir.dids);

    const flow: CallFlowEventDto[] = [];
    /** Adds `readableTime` to most rows and, rarely, a key no client knows about. */
    const stamp = (entry: CallFlowEventDto): void => {
      const t = entry.time;
      if (t !== undefined && t !== null && rng.chance(0.85)) entry.readableTime = clock.readable(Number(t));
      if (rng.chance(0.03)) {
        const key = rng.pick(['node', 'x_trace_id', 'leg']);
        entry[key] = key === 'leg' ? rng.int(1, 3) : key === 'node' ? `fs-0${rng.int(1, 9)}` : rng.hex(8);
      }
      flow.push(entry);
    };
    const agentEntry = (agent: AgentInfo, dialst: 'Dialed' | 'Answered', time: number, extra: Partial<CallFlowEventDto> = {}): void => {
      const numKey = rng.chance(0.5) ? 'num' : 'number';
      const entry: CallFlowEventDto = { type: 'Agent', id: agent.id, name: agent.name, dialst, [numKey]: agent.number, time };
      Object.assign(entry, extra);
      if (rng.chance(0.4)) entry.email = agent.email;
      stamp(entry);
    };

    let t = startEpoch + rng.int(0, 4);
    const initTime = t;
    stamp({ type: 'init', value: callId, time: String(t) });

    let agent: AgentInfo | null = null;
    let department: Named | null = null;
    let dialed: AgentInfo[] = [];
    let dtmf: string | null = null;
    let ring = 0;
    let service = 'Agent';
    let callHint: string | null = inbound ? rng.pick(['inbound', 'inbound', null]) : 'outbound';
    let reason = 'disconnected_by_caller';
    let description = '';
    let broadcast: Named | null = null;
    let campaign: Named | null = null;
    let abandonedInIvr = false;

    if (inbound) {
      if (scenario === 'inbound_department' || scenario === 'inbound_ivr_agent') {
        const ivr = rng.pick(dir.ivrs);
        dtmf = String(rng.int(1, 4));
        t += rng.int(3, 15);
        stamp({ type: 'IVR', id: ivr.id, name: ivr.name, dtmf, time: t });
        service = 'IVR';
        if (!answered && rng.chance(0.25)) abandonedInIvr = true;
      }
      if (scenario === 'inbound_auto_attendant') {
        const aa = rng.pick(dir.autoAttendants);
        t += rng.int(2, 10);
        stamp({ type: 'Auto+Attendant', id: aa.id, name: aa.name, time: t });
        service = 'Auto Attendant';
      }
      if (!abandonedInIvr) {
        if (scenario === 'inbound_department') {
          department = rng.pick(dir.departments);
          t += rng.int(1, 3);
          stamp({ type: 'Department', id: department.id, name: department.name, time: t });
          const members = dir.agents.filter((a) => a.departmentId === department?.id);
          dialed = rng.sample(members.length > 0 ? members : dir.agents, rng.int(1, 3));
          service = 'Department';
        } else {
          dialed = [rng.pick(dir.agents)];
          if (scenario === 'inbound_agent') service = 'Agent';
        }
        t += rng.int(1, 3);
        for (const a of dialed) agentEntry(a, 'Dialed', t);
        ring = rng.int(3, 25);
        t += ring;
      } else {
        t += rng.int(5, 30);
      }
      if (answered && dialed.length > 0) {
        agent = rng.pick(dialed);
        agentEntry(agent, 'Answered', t);
      } else {
        answered = false;
      }
    } else if (scenario === 'click_to_call' || scenario === 'outbound_agent' || scenario === 'dialer') {
      agent = rng.pick(dir.agents);
      t += rng.int(0, 2);
      if (scenario === 'outbound_agent') {
        agentEntry(agent, 'Dialed', t, { subtype: 'softphone', extension: agent.extension });
        callHint = 'outbound';
      } else {
        agentEntry(agent, 'Dialed', t);
      }
      if (scenario === 'click_to_call') {
        service = rng.chance(0.5) ? 'Click to Call' : 'Agent';
        callHint = 'clicktocall';
        const sip = rng.chance(0.5)
          ? `SIP/+2060${rng.digits(10)}@TATA-BLR-UNLIMITED-${did.slice(3)}_${rng.hex(13)}`
          : `PJSIP%2F%2B08${rng.digits(10)}-${rng.hex(8)}`;
        stamp({ type: 'ClickToCall', name: sip, time: t });
      } else if (scenario === 'dialer') {
        campaign = rng.pick(dir.campaigns);
        service = 'Dialer';
        callHint = 'dialer';
      } else {
        service = 'Agent';
      }
      ring = rng.int(4, 30);
      t += ring;
      if (answered) stamp({ type: 'Agent', id: null, name: null, number: client.replace(/^\+/, ''), time: t, dialst: 'Answered' });
    } else {
      broadcast = rng.pick(dir.broadcasts);
      service = 'Broadcast';
      callHint = 'broadcast';
      t += rng.int(1, 3);
      stamp({ type: 'Broadcast', id: broadcast.id, name: broadcast.name, time: t });
      t += rng.int(4, 25);
    }

    // Talk time (answered) or the remaining ring/abandon time (missed).
    const anstime = t;
    let talk = answered ? Math.round(8 + rng.float() ** 2.2 * 1200) : 0;
    if (!answered) t += rng.int(2, 20);
    let end = t + talk;
    if (opts.maxEnd !== undefined && end > opts.maxEnd) {
      const over = end - opts.maxEnd;
      talk = Math.max(1, talk - over);
      end = Math.max(t + talk, initTime + 1);
    }

    if (answered) {
      const streaming = rng.chance(0.08) && talk > 4;
      if (streaming) {
        const sid = rng.hex(12);
        const streamId: string | number = rng.chance(0.5) ? '553' : 553;
        const frac = (): number => rng.int(1, 999) / 1000;
        stamp({ type: 'voice-streaming', id: streamId, name: 'ai-bot-stream', s_id: sid, s_ip: `10.0.${rng.int(0, 9)}.${rng.int(2, 250)}`, s_port: rng.int(4000, 9000), status: 'started', time: anstime + frac() });
        stamp({ type: 'voice-streaming', id: streamId, name: 'ai-bot-stream', s_id: sid, status: 'ended', time: end - 1 + frac() });
      }
      flow.push({ anstime, time: end });
    }
    stamp({ type: 'hangup', time: end });

    const callDuration = end - initTime;
    const answeredSeconds = answered ? end - anstime : 0;
    const legs = scenario === 'click_to_call' ? 2 : 1;
    const minutes = callDuration > 0 ? Math.ceil(callDuration / 60) * legs : 0;

    if (inbound) {
      if (answered && agent) {
        description = rng.chance(0.5) ? `Call answered by ${agent.name} (${agent.number.replace(/^\+/, '')})` : 'Call answered';
        reason = rng.pick(['disconnected_by_caller', 'disconnected_by_agent']);
      } else if (abandonedInIvr) {
        description = 'Missed call';
        reason = 'Call disconnected in IVR';
      } else {
        description = 'Missed call';
        reason = rng.pick(['Agents did not answer', 'disconnected_by_caller', 'Agent busy']);
      }
    } else if (answered) {
      description = 'Call answered by customer';
      reason = rng.pick(['disconnected_by_caller', 'disconnected_by_agent', 'disconnected_by_customer']);
    } else {
      description = rng.pick(['Call not answered by customer', 'Customer busy', 'Customer number unreachable']);
      reason = rng.pick(['No answer', 'Customer busy', 'disconnected_by_agent']);
    }
    const hangupCause = answered
      ? 'Normal clearing'
      : rng.pick(['No answer', 'User busy', 'Originator cancel', 'Call rejected', 'Normal clearing']);

    // A few inbound calls are call-backs to a broadcast number.
    const incomingFromBroadcast = inbound && rng.chance(0.04);
    if (incomingFromBroadcast) broadcast = rng.pick(dir.broadcasts);

    const recordingToken = answered ? rng.hex(32) : null;
    const agentHangup = answered && agent
      ? rng.weighted<unknown>([
          [null, 75],
          [{ id: agent.id, name: agent.name, disposition: rng.pick(DISPOSITIONS) }, 15],
          [[{ name: agent.name, number: agent.number, status: 'answered' }], 10],
        ])
      : null;
    const voicemail = inbound && !answered && !abandonedInIvr && rng.chance(0.1);
    const blocked = inbound && !answered && rng.chance(0.005);
    const customStatus = rng.chance(0.08) ? rng.pick(CUSTOM_STATUSES) : null;

    const record: CallRecordDto = {
      id: this.nextId(opts.insertedAt ?? end + rng.int(2, 40)),
      call_id: callId,
      uuid: `${Math.floor(startEpoch).toString(16).padStart(8, '0')}${rng.hex(5)}`,
      direction,
      description: blocked ? 'Call from blocked number' : description,
      detailed_description: !answered && rng.chance(0.3) ? reason : null,
      status: answered ? 'answered' : 'missed',
      blocked_number_id: blocked ? rng.int(100, 999) : null,
      recording_url: recordingToken
        ? `https://console.acefone.in/file/recording?callId=${callId}&type=rec&token=${recordingToken}`
        : null,
      service,
      date: clock.date(startEpoch),
      time: clock.time(startEpoch),
      end_stamp: clock.stamp(end),
      broadcast_id: broadcast ? Number(broadcast.id) : null,
      dtmf_input: dtmf,
      call_duration: callDuration,
      answered_seconds: answeredSeconds,
      minutes_consumed: minutes,
      charges: rng.chance(0.7) ? 0 : Math.round(minutes * rng.pick([0.3, 0.45, 0.5, 1]) * 100) / 100,
      department_name: department?.name ?? null,
      agent_number: agent?.number ?? null,
      agent_number_with_prefix: agent?.number ?? null,
      agent_name: agent?.name ?? null,
      client_number: client,
      did_number: did,
      reason,
      hangup_cause: hangupCause,
      notes: rng.chance(0.1) ? { id: rng.int(1000, 99999), note: rng.pick(NOTES), created_by: agent?.name ?? 'admin' } : null,
      contact_details: rng.chance(0.2) ? { name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}` } : null,
      missed_agents: !answered && inbound ? dialed.map((a) => ({ name: a.name, number: a.number })) : [],
      call_flow: flow,
      accountid: dir.accountId,
      agent_ring_time: answered && (inbound || rng.chance(0.5)) ? String(ring) : 'N.A.',
      circle: rng.chance(0.85) ? { operator: rng.pick(OPERATORS), circle: rng.pick(CIRCLES) } : null,
      agent_hangup_data: agentHangup,
      transfer_missed_agent: answered && rng.chance(0.03)
        ? [{ name: rng.pick(dir.agents).name, number: rng.pick(dir.agents).number }]
        : [],
      call_hint: callHint,
      support_api_call: scenario === 'click_to_call' && rng.chance(0.05),
      lead_id: scenario === 'dialer' ? rng.int(10000, 999999) : null,
      is_incoming_from_broadcast: incomingFromBroadcast,
      caller_id_num: did,
      sip_agent_ids: agent && rng.chance(0.05) ? agent.extension : null,
      dialer_call_details: campaign
        ? {
            campaign_id: Number(campaign.id),
            campaign_name: campaign.name,
            list_id: rng.int(10, 99),
            list_name: `${campaign.name} list`,
            disposition_name: answered ? rng.pick(DISPOSITIONS) : null,
          }
        : null,
      custom_status: customStatus ? { name: customStatus.name, code: customStatus.id } : null,
      voicemail_recording: voicemail,
      aws_call_recording_identifier: answered ? rng.hex(32) : null,
    };
    return { record, startEpoch };
  }
}

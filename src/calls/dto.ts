/**
 * Wire shapes of `GET /v1/call/records`, exactly as the upstream sends them (snake_case).
 * See ../shared/upstream/ for the evidence behind every loose type here: the upstream is not consistent,
 * so these types describe what may arrive, not what we wish arrived.
 */

/** Epoch seconds as the upstream sends them in `call_flow`: a string, an integer or a float. */
export type EpochDto = string | number;

/** One `call_flow` row: polymorphic, often untyped, with keys we may not know. */
export interface CallFlowEventDto {
  type?: string | null;
  time?: EpochDto | null;
  anstime?: EpochDto | null;
  id?: string | number | null;
  name?: string | null;
  num?: string | null;
  number?: string | null;
  dialst?: string | null;
  value?: string | null;
  readableTime?: string | null;
  [key: string]: unknown;
}

export interface CircleDto {
  operator?: string | null;
  circle?: string | null;
}

export interface CallRecordDto {
  /** 24-hex string today; an integer on old accounts. */
  id: string | number;
  call_id: string;
  uuid?: string | null;
  direction?: string | null;
  description?: string | null;
  detailed_description?: string | null;
  status?: string | null;
  blocked_number_id?: string | number | null;
  /** Carries its own access token in the query string: secret-bearing. */
  recording_url?: string | null;
  service?: string | null;
  /** `YYYY-MM-DD`, account wall-clock. */
  date?: string | null;
  /** `hh:mm:ss`, account wall-clock. */
  time?: string | null;
  /** `YYYY-MM-DD hh:mm:ss`, account wall-clock. */
  end_stamp?: string | null;
  broadcast_id?: string | number | null;
  dtmf_input?: string | number | null;
  call_duration?: number | string | null;
  answered_seconds?: number | string | null;
  minutes_consumed?: number | string | null;
  charges?: number | string | null;
  department_name?: string | null;
  agent_number?: string | null;
  agent_number_with_prefix?: string | null;
  agent_name?: string | null;
  client_number?: string | null;
  did_number?: string | null;
  reason?: string | null;
  hangup_cause?: string | null;
  notes?: unknown;
  contact_details?: unknown;
  missed_agents?: unknown[] | null;
  call_flow?: CallFlowEventDto[] | null;
  /** Sent as `accountid`; documented as `account_id`. */
  accountid?: string | number | null;
  account_id?: string | number | null;
  /** Seconds as a string, or `"N.A."`. */
  agent_ring_time?: string | number | null;
  circle?: CircleDto | null;
  agent_hangup_data?: unknown;
  transfer_missed_agent?: unknown[] | null;
  call_hint?: string | null;
  support_api_call?: boolean | null;
  lead_id?: string | number | null;
  is_incoming_from_broadcast?: boolean | null;
  caller_id_num?: string | null;
  sip_agent_ids?: unknown;
  dialer_call_details?: unknown;
  custom_status?: unknown;
  voicemail_recording?: boolean | null;
  aws_call_recording_identifier?: string | null;
  [key: string]: unknown;
}

/** The paging envelope of `GET /v1/call/records`. */
export interface CallRecordPageDto {
  /** Total matches for the query (recomputed on every request: it moves as calls arrive). */
  count: number;
  /** Page size the upstream actually used (may be lower than asked: clamped). */
  limit: number;
  /** Rows in this page. */
  size: number;
  page: number;
  results: CallRecordDto[];
}

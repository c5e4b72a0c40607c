/**
 * `GET /v1/call/records` query → validation errors (Laravel style) or a predicate over stored calls.
 * Every choice made where the upstream is [UNKNOWN] is listed in ./README.md.
 */
import type { CallRecordDto } from '../calls/dto.js';
import { isValidStamp, stampDiffSeconds } from './clock.js';
import { PhpArray } from './php-query.js';
import type { PhpParams, PhpValue } from './php-query.js';

/** A record plus the facts used for ordering and filtering, computed once when the record is stored. */
export interface StoredCall {
  record: CallRecordDto;
  /** Start instant, UTC epoch seconds: the primary sort key (newest first). */
  startEpoch: number;
  /** `String(record.id)`: the tie-break sort key (descending, code-unit order). */
  idKey: string;
  /** `${date} ${time}`: the start in account wall-clock, compared with `from_date`/`to_date`. */
  wall: string;
  agentIds: Set<string>;
  departmentIds: Set<string>;
  ivrIds: Set<string>;
}

export type ValidationErrors = Record<string, string[]>;
export type FilterResult = { ok: true; match: (call: StoredCall) => boolean } | { ok: false; errors: ValidationErrors };

export const OPERATORS = ['>', '<', '>=', '<=', '!=', '='] as const;
type Operator = (typeof OPERATORS)[number];

const label = (field: string): string => field.replace(/_/g, ' ');
const digitsOf = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '').replace(/\D/g, '');

/** Phone match: digits only, query's leading zeros dropped, record must END with the query (so +91 is optional). */
export function numberMatches(recordValue: unknown, query: string): boolean {
  const q = digitsOf(query).replace(/^0+/, '');
  if (q === '') return false;
  return digitsOf(recordValue).endsWith(q);
}

function compare(value: number, op: Operator, target: number): boolean {
  switch (op) {
    case '>':
      return value > target;
    case '<':
      return value < target;
    case '>=':
      return value >= target;
    case '<=':
      return value <= target;
    case '!=':
      return value !== target;
    case '=':
      return value === target;
  }
}

/** `agent|id`, `agent||id` (older Servetel docs) or a bare id → the id, lower-cased. */
export function agentIdFromFilter(value: string): string {
  return value.trim().replace(/^agent\|{1,2}/i, '').trim().toLowerCase();
}

export function buildFilter(params: PhpParams, options: { maxWindowDays?: number } = {}): FilterResult {
  const errors: ValidationErrors = {};
  const fail = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };
  /** A scalar parameter: undefined when absent or empty; an array where a string is expected is a 422. */
  const scalar = (name: string): string | undefined => {
    const v: PhpValue | undefined = params.get(name);
    if (v === undefined) return undefined;
    if (v instanceof PhpArray) {
      fail(name, `The ${label(name)} must be a string.`);
      return undefined;
    }
    return v === '' ? undefined : v;
  };
  /** An array parameter: `x[]=`/`x[0]=` arrays, or a bare `x=` (last one wins) as a one-element list. */
  const list = (name: string): string[] | undefined => {
    const v = params.get(name);
    if (v === undefined) return undefined;
    const values = (v instanceof PhpArray ? v.values() : [v]).map((s) => s.trim()).filter((s) => s !== '');
    return values.length > 0 ? values : undefined;
  };

  const preds: ((c: StoredCall) => boolean)[] = [];

  const from = scalar('from_date');
  const to = scalar('to_date');
  let fromOk = false;
  let toOk = false;
  if (from !== undefined) {
    if (isValidStamp(from)) fromOk = true;
    else fail('from_date', 'The from date does not match the format Y-m-d H:i:s.');
  }
  if (to !== undefined) {
    if (isValidStamp(to)) toOk = true;
    else fail('to_date', 'The to date does not match the format Y-m-d H:i:s.');
  }
  if (fromOk && from !== undefined) preds.push((c) => c.wall >= from);
  if (toOk && to !== undefined) preds.push((c) => c.wall <= to);
  if (fromOk && toOk && from !== undefined && to !== undefined && options.maxWindowDays !== undefined) {
    if (stampDiffSeconds(from, to) > options.maxWindowDays * 86400) {
      fail('to_date', `The date range may not be greater than ${options.maxWindowDays} days.`);
    }
  }

  const agents = list('agents');
  if (agents) {
    const ids = new Set(agents.map(agentIdFromFilter).filter((s) => s !== ''));
    preds.push((c) => [...c.agentIds].some((id) => ids.has(id.toLowerCase())));
  }
  const departments = list('department');
  if (departments) {
    const ids = new Set(departments.map((s) => s.toLowerCase()));
    preds.push((c) => [...c.departmentIds].some((id) => ids.has(id.toLowerCase())));
  }
  const ivrs = list('ivr');
  if (ivrs) {
    const ids = new Set(ivrs.map((s) => s.toLowerCase()));
    preds.push((c) => [...c.ivrIds].some((id) => ids.has(id.toLowerCase())));
  }

  const callType = scalar('call_type');
  if (callType !== undefined) {
    const t = callType.toLowerCase();
    if (t === 'c') preds.push((c) => c.record.status === 'answered');
    else if (t === 'm') preds.push((c) => c.record.status === 'missed');
    else fail('call_type', 'The selected call type is invalid.');
  }

  const callerId = scalar('callerid');
  if (callerId !== undefined) preds.push((c) => numberMatches(c.record.client_number, callerId));

  const destination = scalar('destination');
  if (destination !== undefined) {
    preds.push((c) => c.record.direction === 'inbound' && numberMatches(c.record.did_number, destination));
  }
  const didNumber = scalar('did_number');
  if (didNumber !== undefined) preds.push((c) => numberMatches(c.record.did_number, didNumber));

  const direction = scalar('direction');
  if (direction !== undefined) {
    const d = direction.toLowerCase();
    if (d === 'inbound' || d === 'outbound') preds.push((c) => c.record.direction === d);
    else fail('direction', 'The selected direction is invalid.');
  }

  const duration = scalar('duration');
  const operator = scalar('operator');
  let op: Operator = '=';
  if (operator !== undefined) {
    if ((OPERATORS as readonly string[]).includes(operator)) op = operator as Operator;
    else fail('operator', 'The selected operator is invalid.');
  }
  if (duration !== undefined) {
    if (!/^\s*\d+(\.\d+)?\s*$/.test(duration)) {
      fail('duration', 'The duration must be a number.');
    } else {
      const target = Number(duration);
      preds.push((c) => {
        const value = Number(c.record.call_duration);
        return Number.isFinite(value) && compare(value, op, target);
      });
    }
  }

  const services = scalar('services');
  if (services !== undefined) {
    const wanted = new Set(services.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
    if (wanted.size > 0) preds.push((c) => wanted.has(String(c.record.service ?? '').toLowerCase()));
  }

  const broadcast = scalar('broadcast');
  if (broadcast !== undefined && ['true', '1'].includes(broadcast.toLowerCase())) {
    preds.push((c) => c.record.broadcast_id !== null && c.record.broadcast_id !== undefined);
  }

  const callId = scalar('call_id');
  if (callId !== undefined) preds.push((c) => c.record.call_id === callId);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, match: (c) => preds.every((p) => p(c)) };
}

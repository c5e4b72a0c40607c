import type { CallRecordFilter, DurationOperator } from '../__generated__/resolvers-types.js';
import type { ArrayFormat } from '../config.js';
import { badUserInput } from '../upstream/errors.js';
import { formatWallClock } from '../shared/time.js';
import type { QueryParams } from './api.js';

/*
 * GraphQL filter -> upstream query params (pure). Values are only ever placed in URLSearchParams pairs, so no
 * input can add a parameter, change the path or the host: `&`, `=`, `#`, CR/LF and unicode are percent-encoded.
 */

export interface FilterOptions {
  timeZone: string;
  arrayFormat: ArrayFormat;
}

const OPERATORS: Record<DurationOperator, string> = { GT: '>', LT: '<', GTE: '>=', LTE: '<=', NE: '!=' };

/** The upstream's array encoding, in one place (PHP-style `key[]=` by default; see ACEFONE_ARRAY_FORMAT). */
export function arrayParams(key: string, values: readonly string[], format: ArrayFormat): Array<[string, string]> {
  if (values.length === 0) return [];
  switch (format) {
    case 'brackets':
      return values.map((v) => [`${key}[]`, v]);
    case 'indices':
      return values.map((v, i) => [`${key}[${i}]`, v]);
    case 'comma':
      return [[key, values.join(',')]];
  }
}

/** The instant range of a filter, checked: `from` after `to` is a user error. */
export function filterWindow(filter: CallRecordFilter | null | undefined): { from?: Date; to?: Date } {
  const from = filter?.from ?? undefined;
  const to = filter?.to ?? undefined;
  if (from && to && from.getTime() > to.getTime())
    throw badUserInput('filter.from must not be after filter.to.', 'filter');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** Longest filter value accepted: numbers, ids and service names are short; a URL has a length limit upstream. */
export const MAX_FILTER_VALUE_LENGTH = 256;

function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw badUserInput(`filter.${name} must not be empty.`, 'filter');
  if (value.length > MAX_FILTER_VALUE_LENGTH)
    throw badUserInput(`filter.${name} must be at most ${MAX_FILTER_VALUE_LENGTH} characters.`, 'filter');
  return value;
}

/**
 * Params for a filter. `window` overrides the filter's own dates (the pagination layer narrows `to`/`from` to
 * keep cursors exact); dates go out as `Y-m-d H:i:s` wall-clock time in the account's zone.
 */
export function filterToParams(
  filter: CallRecordFilter | null | undefined,
  options: FilterOptions,
  window: { from?: Date; to?: Date } = filterWindow(filter),
): Array<[string, string]> {
  const f = filter ?? {};
  const out: Array<[string, string]> = [];
  if (window.from) out.push(['from_date', formatWallClock(window.from, options.timeZone)]);
  if (window.to) out.push(['to_date', formatWallClock(window.to, options.timeZone)]);
  if (f.agentIds)
    out.push(...arrayParams('agents', f.agentIds.map((id) => `agent|${nonEmpty('agentIds', id)}`), options.arrayFormat));
  if (f.departmentIds)
    out.push(...arrayParams('department', f.departmentIds.map((id) => nonEmpty('departmentIds', id)), options.arrayFormat));
  if (f.ivrIds) out.push(...arrayParams('ivr', f.ivrIds.map((id) => nonEmpty('ivrIds', id)), options.arrayFormat));
  if (f.callType) out.push(['call_type', f.callType === 'ANSWERED' ? 'c' : 'm']);
  if (f.callerId != null) out.push(['callerid', nonEmpty('callerId', f.callerId)]);
  if (f.destination != null) out.push(['destination', nonEmpty('destination', f.destination)]);
  if (f.direction) out.push(['direction', f.direction === 'INBOUND' ? 'inbound' : 'outbound']);
  if (f.duration) {
    if (f.duration.seconds < 0) throw badUserInput('filter.duration.seconds must not be negative.', 'filter');
    out.push(['duration', String(f.duration.seconds)], ['operator', OPERATORS[f.duration.operator]]);
  }
  if (f.services && f.services.length > 0) {
    const services = f.services.map((s) => nonEmpty('services', s));
    if (services.some((s) => s.includes(',')))
      throw badUserInput('filter.services entries must not contain commas.', 'filter');
    out.push(['services', services.join(',')]);
  }
  if (f.broadcast != null) out.push(['broadcast', f.broadcast ? 'true' : 'false']);
  if (f.didNumber != null) out.push(['did_number', nonEmpty('didNumber', f.didNumber)]);
  if (f.callId != null) out.push(['call_id', nonEmpty('callId', f.callId)]);
  return out;
}

/** A filter's wire params as one stable string (fingerprinted into cursors, so a cursor used with another filter is refused). */
export function filterKey(params: QueryParams): string {
  return params.map(([k, v]) => `${k}=${v}`).join('&');
}

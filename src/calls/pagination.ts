import { createHash } from 'node:crypto';
import { badUserInput } from '../upstream/errors.js';

/*
 * Pure pieces of Relay connections over the upstream's offset pages: the cursor codec and the page planner.
 *
 * Cursors emulate keyset paging over the offset API. A cursor names its record's position as
 * (start second `s`, the call ids at that second already handed out up to and including the record), plus the
 * snapshot's top second `t` (newer calls than the first page are outside the connection). The next page asks
 * the upstream for `to_date = s` and skips the ids already handed out, so inserts before or after the cursor,
 * late CDRs included, can neither shift a record into a gap nor repeat one.
 */

export interface Cursor {
  /** Fingerprint of the filter the cursor was issued for. */
  f: string;
  /** Start of the record, epoch seconds (null: the upstream sent no usable start; `o` is used instead). */
  s: number | null;
  /** Call ids at second `s` handed out so far, in order, ending with the record's own. */
  ids: string[];
  /** Snapshot top: start second of the newest record of the connection (null: not known yet). */
  t: number | null;
  /** Offset fallback for records without a usable start time. */
  o?: number;
}

const VERSION = 1;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: VERSION, ...cursor })).toString('base64url');
}

/** Decodes a client cursor; anything malformed, foreign or issued for another filter is a BAD_USER_INPUT. */
export function decodeCursor(value: string, filterFingerprint: string, argumentName: string): Cursor {
  const invalid = () => badUserInput(`${argumentName} is not a cursor issued by callRecords.`, argumentName);
  if (value.length > 16_384 || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof raw !== 'object' || raw === null) throw invalid();
  const c = raw as Record<string, unknown>;
  const okSecond = (v: unknown) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
  if (
    c.v !== VERSION ||
    typeof c.f !== 'string' ||
    !okSecond(c.s) ||
    !okSecond(c.t) ||
    !Array.isArray(c.ids) ||
    c.ids.length === 0 ||
    !c.ids.every((id) => typeof id === 'string') ||
    (c.o !== undefined && !(typeof c.o === 'number' && Number.isInteger(c.o) && c.o >= 0)) ||
    (c.s === null && c.o === undefined)
  )
    throw invalid();
  if (c.f !== filterFingerprint)
    throw badUserInput(`${argumentName} was issued for a different filter; start again without it.`, argumentName);
  return {
    f: c.f,
    s: c.s as number | null,
    ids: c.ids as string[],
    t: c.t as number | null,
    ...(c.o !== undefined ? { o: c.o as number } : {}),
  };
}

/** Short fingerprint of a filter's wire params. */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

export interface PagePlan {
  limit: number;
  /** 1-based page numbers to fetch. */
  pages: number[];
}

/**
 * The fewest upstream pages (of one `limit` <= maxLimit) that cover offsets [start, end); among plans with
 * equally few requests, the one that transfers the fewest rows.
 */
export function planPages(start: number, end: number, maxLimit: number): PagePlan {
  if (!(start >= 0 && end > start && maxLimit >= 1)) throw new RangeError(`bad window [${start}, ${end}) / ${maxLimit}`);
  let best: { limit: number; first: number; last: number; cost: number } | undefined;
  for (let limit = maxLimit; limit >= 1; limit--) {
    const first = Math.floor(start / limit);
    const last = Math.ceil(end / limit) - 1;
    const requests = last - first + 1;
    const cost = requests * 1_000_000 + requests * limit;
    if (!best || cost < best.cost) best = { limit, first, last, cost };
  }
  const pages: number[] = [];
  for (let p = best!.first; p <= best!.last; p++) pages.push(p + 1);
  return { limit: best!.limit, pages };
}

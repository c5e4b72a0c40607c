import { tzOffset } from '@date-fns/tz';

/**
 * Conversions between instants and the upstream's wall-clock strings in the account's time zone.
 * Offsets are memoised per zone and quarter hour (no zone changes offset more often), which makes a record's
 * two conversions ~100x cheaper than asking Intl each time.
 */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const offsetCache = new Map<string, Map<number, number>>();

/** Offset of `tz` from UTC at `ms`, in milliseconds. */
export function zoneOffsetMs(tz: string, ms: number): number {
  let zone = offsetCache.get(tz);
  if (!zone) {
    zone = new Map();
    offsetCache.set(tz, zone);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    offset = tzOffset(tz, new Date(bucket * QUARTER_HOUR_MS)) * 60_000;
    if (zone.size > 100_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** True when `tz` is an IANA zone name this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads `YYYY-MM-DD hh:mm:ss` as wall-clock time in `tz`. Null for anything else (the upstream sends nulls,
 * empty strings and, on old accounts, zero dates).
 */
export function parseWallClock(value: string | null | undefined, tz: string): Date | null {
  if (!value) return null;
  const m = WALL_CLOCK.exec(value);
  if (!m) return null;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(asUtc) || +m[1]! < 1971) return null;
  // First guess with the offset at the naive instant, then correct once: right across DST changes.
  let ms = asUtc - zoneOffsetMs(tz, asUtc);
  ms = asUtc - zoneOffsetMs(tz, ms);
  return new Date(ms);
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Formats an instant as the upstream's `Y-m-d H:i:s` wall-clock time in `tz`. */
export function formatWallClock(date: Date, tz: string): string {
  const d = new Date(date.getTime() + zoneOffsetMs(tz, date.getTime()));
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Epoch seconds as the upstream sends them (string, integer or float) to a Date; null when unusable. */
export function parseEpochSeconds(value: unknown): Date | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(Math.round(n * 1000));
}

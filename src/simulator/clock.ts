/**
 * Wall-clock rendering of epoch seconds in an IANA time zone (the account's zone: IST for Indian accounts).
 * Offsets are looked up with Intl once per 15-minute UTC bucket (every real-world transition lands on one)
 * and cached, so rendering thousands of timestamps stays cheap.
 */

export interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export class WallClock {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  /** Throws RangeError for an unknown zone. */
  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Seconds to add to a UTC instant to get the zone's wall-clock reading. */
  offsetSeconds(epochSeconds: number): number {
    const bucket = Math.floor(epochSeconds / 900);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    const at = bucket * 900;
    const parts = this.formatter.formatToParts(new Date(at * 1000));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
    const offset = asUtc - at;
    this.offsets.set(bucket, offset);
    return offset;
  }

  parts(epochSeconds: number): WallParts {
    const whole = Math.floor(epochSeconds);
    const d = new Date((whole + this.offsetSeconds(whole)) * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  /** `YYYY-MM-DD` */
  date(epochSeconds: number): string {
    const p = this.parts(epochSeconds);
    return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  }

  /** `HH:MM:SS` */
  time(epochSeconds: number): string {
    const p = this.parts(epochSeconds);
    return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  }

  /** `YYYY-MM-DD HH:MM:SS` (the request's `Y-m-d H:i:s`, and `end_stamp`). */
  stamp(epochSeconds: number): string {
    return `${this.date(epochSeconds)} ${this.time(epochSeconds)}`;
  }

  /** `dd-mm-YYYY HH:MM:SS` (`call_flow[].readableTime`). */
  readable(epochSeconds: number): string {
    const p = this.parts(epochSeconds);
    return `${pad(p.day)}-${pad(p.month)}-${pad(p.year, 4)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  }
}

/**
 * Validates `Y-m-d H:i:s` the way PHP's `DateTime::createFromFormat` + Laravel `date_format` do:
 * exact shape, and no calendar overflow (2024-02-30 is rejected).
 */
export function isValidStamp(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d;
}

/** Seconds from `from` to `to`, both valid `Y-m-d H:i:s` stamps read as naive wall-clock values. */
export function stampDiffSeconds(from: string, to: string): number {
  const toSeconds = (v: string): number => {
    const [y, mo, d, h, mi, s] = v.split(/[- :]/).map(Number) as [number, number, number, number, number, number];
    return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  };
  return toSeconds(to) - toSeconds(from);
}

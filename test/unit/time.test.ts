import { describe, expect, it } from '@jest/globals';
import { formatWallClock, parseEpochSeconds, parseWallClock } from '../../src/shared/time.js';

describe('account wall-clock time', () => {
  it('reads the upstream date and time in the account zone (IST is UTC+05:30)', () => {
    expect(parseWallClock('2024-05-02 19:19:59', 'Asia/Kolkata')?.toISOString()).toBe('2024-05-02T13:49:59.000Z');
  });

  it('follows daylight saving in zones that have it', () => {
    expect(parseWallClock('2024-01-15 12:00:00', 'Europe/London')?.toISOString()).toBe('2024-01-15T12:00:00.000Z');
    expect(parseWallClock('2024-07-15 12:00:00', 'Europe/London')?.toISOString()).toBe('2024-07-15T11:00:00.000Z');
    // The first second after the spring-forward gap.
    expect(parseWallClock('2024-03-31 03:00:00', 'Europe/London')?.toISOString()).toBe('2024-03-31T02:00:00.000Z');
  });

  it('formats any instant as the upstream expects, converted into the account zone', () => {
    expect(formatWallClock(new Date('2024-05-02T13:49:59Z'), 'Asia/Kolkata')).toBe('2024-05-02 19:19:59');
    expect(formatWallClock(new Date('2024-05-02T23:00:00-04:00'), 'Asia/Kolkata')).toBe('2024-05-03 08:30:00');
    expect(formatWallClock(new Date('2024-07-15T11:00:00Z'), 'Europe/London')).toBe('2024-07-15 12:00:00');
  });

  it('round-trips every quarter hour of a year', () => {
    for (const tz of ['Asia/Kolkata', 'Europe/London', 'America/New_York']) {
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 15 * 60_000 + 7_000) {
        const wall = formatWallClock(new Date(ms), tz);
        const back = parseWallClock(wall, tz)!.getTime();
        // Ambiguous fall-back hours may read as the other instant with the same wall clock.
        expect(formatWallClock(new Date(back), tz)).toBe(wall);
      }
    }
  });

  it('treats missing or malformed values as unknown, not as an error', () => {
    expect(parseWallClock(null, 'Asia/Kolkata')).toBeNull();
    expect(parseWallClock('', 'Asia/Kolkata')).toBeNull();
    expect(parseWallClock('0000-00-00 00:00:00', 'Asia/Kolkata')).toBeNull();
    expect(parseWallClock('02-05-2024 19:20:03', 'Asia/Kolkata')).toBeNull();
  });

  it('reads epoch seconds sent as strings, integers and floats', () => {
    expect(parseEpochSeconds('1714657803')?.toISOString()).toBe('2024-05-02T13:50:03.000Z');
    expect(parseEpochSeconds(1714657803)?.toISOString()).toBe('2024-05-02T13:50:03.000Z');
    expect(parseEpochSeconds(1770534294.338)?.toISOString()).toBe('2026-02-08T07:04:54.338Z');
    expect(parseEpochSeconds('N.A.')).toBeNull();
    expect(parseEpochSeconds(null)).toBeNull();
    expect(parseEpochSeconds('')).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import { DateTimeResolver } from 'graphql-scalars';
import { DateTime } from '../../src/shared/date-time.js';

describe('DateTime scalar', () => {
  it('serialises to the ISO string a client receives, already during execution', () => {
    const at = new Date(Date.UTC(2026, 10, 20, 9, 30, 5));
    expect(DateTime.serialize(at)).toBe('2026-11-20T09:30:05.000Z');
    // What graphql-scalars' DateTime puts on the wire for the same value.
    expect(DateTime.serialize(at)).toBe(JSON.parse(JSON.stringify(DateTimeResolver.serialize(at))));
    expect(DateTime.serialize('2026-11-20T15:00:05+05:30')).toBe('2026-11-20T09:30:05.000Z');
  });

  it('keeps graphql-scalars’ name, description and validation', () => {
    expect(DateTime.name).toBe('DateTime');
    expect(DateTime.description).toBe(DateTimeResolver.description);
    expect(() => DateTime.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(() => DateTime.parseValue('yesterday')).toThrow(/invalid date-time-string/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { agentIdFromFilter, numberMatches } from '../../src/simulator/filters.js';
import { parsePhpQuery, PhpArray, phpUrlDecode } from '../../src/simulator/php-query.js';
import type { PhpValue } from '../../src/simulator/php-query.js';

const plain = (v: PhpValue | undefined): unknown => (v instanceof PhpArray ? Object.fromEntries(v.entries) : v);
const parse = (q: string): Record<string, unknown> =>
  Object.fromEntries([...parsePhpQuery(q)].map(([k, v]) => [k, plain(v)]));

describe('simulator PHP query parsing', () => {
  it('builds arrays from key[] and key[n], keeps the last bare value', () => {
    expect(parse('a[]=1&a[]=2&b[0]=x&b[1]=y&c=1&c=2')).toEqual({
      a: { 0: '1', 1: '2' },
      b: { 0: 'x', 1: 'y' },
      c: '2',
    });
    expect(parse('a[5]=x&a[]=y&a[k]=z')).toEqual({ a: { 5: 'x', 6: 'y', k: 'z' } });
  });

  it('later assignments replace earlier ones across array/bare forms', () => {
    expect(parse('a[]=1&a=2')).toEqual({ a: '2' });
    expect(parse('a=1&a[]=2')).toEqual({ a: { 0: '2' } });
  });

  it('decodes + and %XX, keeps malformed escapes, applies PHP name mangling', () => {
    expect(phpUrlDecode('2025-06-01+10%3A00%3A00')).toBe('2025-06-01 10:00:00');
    expect(phpUrlDecode('100%zz%4')).toBe('100%zz%4');
    expect(parse('agents%5B%5D=agent%7C123&from.date=1&a[b=2&=x&[]=y&flag')).toEqual({
      agents: { 0: 'agent|123' },
      from_date: '1',
      a_b: '2',
      flag: '',
    });
  });

  it('agent filter values and phone matching', () => {
    expect(agentIdFromFilter('agent|0501')).toBe('0501');
    expect(agentIdFromFilter('Agent||0501 ')).toBe('0501');
    expect(agentIdFromFilter('0501')).toBe('0501');
    expect(numberMatches('+919876543210', '9876543210')).toBe(true);
    expect(numberMatches('+919876543210', '09876543210')).toBe(true);
    expect(numberMatches('+919876543210', '+91 98765-43210')).toBe(true);
    expect(numberMatches('+919876543210', '9876543211')).toBe(false);
    expect(numberMatches('+919876543210', '+')).toBe(false);
  });
});

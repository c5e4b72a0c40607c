import { describe, expect, it } from '@jest/globals';
import type { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, planPages } from '../../src/calls/pagination.js';

describe('planPages', () => {
  it('covers every window exactly, with the fewest requests, for many offsets and page sizes', () => {
    for (const maxLimit of [1, 7, 20, 100]) {
      for (let start = 0; start < 260; start += 13) {
        for (const size of [1, 5, 20, 99, 100, 101, 250]) {
          const end = start + size;
          const { limit, pages } = planPages(start, end, maxLimit);
          expect(limit).toBeLessThanOrEqual(maxLimit);
          const covered = new Set<number>();
          for (const p of pages) for (let o = (p - 1) * limit; o < p * limit; o++) covered.add(o);
          for (let o = start; o < end; o++) expect(covered.has(o)).toBe(true);
          // No plan with fixed page size L can use fewer than ceil(size / maxLimit) requests.
          expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(size / maxLimit));
          expect(pages.length).toBeLessThanOrEqual(Math.ceil(size / maxLimit) + 1);
        }
      }
    }
  });

  it('serves a page that fits in one request with one request of exactly that size', () => {
    expect(planPages(0, 20, 100)).toEqual({ limit: 20, pages: [1] });
    expect(planPages(0, 250, 100)).toEqual({ limit: 84, pages: [1, 2, 3] });
  });

  it('picks a page size that avoids straddling two pages where one suffices', () => {
    // [95, 105) straddles the 100-row boundary; 53-row pages put it inside page 2.
    const plan = planPages(95, 105, 100);
    expect(plan.pages.length).toBe(1);
  });
});

describe('cursors', () => {
  const cursor = { f: 'abc', s: 1714657799, ids: ['1714657799.1'], t: 1714657800 };

  it('round-trip and are opaque base64url', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, 'abc', 'after')).toEqual(cursor);
  });

  it('are refused with BAD_USER_INPUT when malformed, foreign or issued for another filter', () => {
    const code = (value: string, fp = 'abc') => {
      try {
        decodeCursor(value, fp, 'after');
        return 'accepted';
      } catch (e) {
        return `${(e as GraphQLError).extensions.code}:${(e as GraphQLError).message}`;
      }
    };
    expect(code('not a cursor!')).toMatch(/^BAD_USER_INPUT:after is not a cursor/);
    expect(code(Buffer.from('{"v":1}').toString('base64url'))).toMatch(/^BAD_USER_INPUT/);
    expect(code(Buffer.from('[1,2]').toString('base64url'))).toMatch(/^BAD_USER_INPUT/);
    expect(code('YWJj')).toMatch(/^BAD_USER_INPUT/);
    expect(code(encodeCursor(cursor), 'other')).toMatch(/^BAD_USER_INPUT:after was issued for a different filter/);
  });
});

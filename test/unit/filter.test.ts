import { describe, expect, it } from '@jest/globals';
import type { GraphQLError } from 'graphql';
import type { CallRecordFilter } from '../../src/__generated__/resolvers-types.js';
import { arrayParams, filterToParams } from '../../src/calls/filter.js';

const options = { timeZone: 'Asia/Kolkata', arrayFormat: 'brackets' as const };
const wire = (filter: CallRecordFilter) => new URLSearchParams(filterToParams(filter, options)).toString();

describe('CallRecordFilter -> upstream query params', () => {
  it('sends dates as Y-m-d H:i:s wall-clock time in the account zone, from any offset', () => {
    const params = filterToParams(
      { from: new Date('2024-05-01T18:30:00Z'), to: new Date('2024-05-02T23:59:59+05:30') },
      options,
    );
    expect(params).toEqual([
      ['from_date', '2024-05-02 00:00:00'],
      ['to_date', '2024-05-02 23:59:59'],
    ]);
  });

  it.each<[CallRecordFilter, string]>([
    [{ agentIds: ['050109590016', '7'] }, 'agents%5B%5D=agent%7C050109590016&agents%5B%5D=agent%7C7'],
    [{ departmentIds: ['12'] }, 'department%5B%5D=12'],
    [{ ivrIds: ['3', '4'] }, 'ivr%5B%5D=3&ivr%5B%5D=4'],
    [{ callType: 'ANSWERED' }, 'call_type=c'],
    [{ callType: 'MISSED' }, 'call_type=m'],
    [{ callerId: '+919876543210' }, 'callerid=%2B919876543210'],
    [{ destination: '+918069858731' }, 'destination=%2B918069858731'],
    [{ direction: 'INBOUND' }, 'direction=inbound'],
    [{ direction: 'OUTBOUND' }, 'direction=outbound'],
    [{ duration: { operator: 'GT', seconds: 30 } }, 'duration=30&operator=%3E'],
    [{ duration: { operator: 'LT', seconds: 30 } }, 'duration=30&operator=%3C'],
    [{ duration: { operator: 'GTE', seconds: 0 } }, 'duration=0&operator=%3E%3D'],
    [{ duration: { operator: 'LTE', seconds: 5 } }, 'duration=5&operator=%3C%3D'],
    [{ duration: { operator: 'NE', seconds: 5 } }, 'duration=5&operator=%21%3D'],
    [{ services: ['Agent', 'IVR'] }, 'services=Agent%2CIVR'],
    [{ broadcast: true }, 'broadcast=true'],
    [{ broadcast: false }, 'broadcast=false'],
    [{ didNumber: '+918069858731' }, 'did_number=%2B918069858731'],
    [{ callId: '1714657799.11930963' }, 'call_id=1714657799.11930963'],
  ])('%j -> %s', (filter, expected) => {
    expect(wire(filter)).toBe(expected);
  });

  it('cannot inject parameters: &, =, #, CR/LF and unicode stay inside one value', () => {
    const hostile = 'x&call_id=1#frag\r\nHost: evil\u2028é../';
    const params = new URLSearchParams(wire({ callerId: hostile, agentIds: [hostile] }));
    expect([...params.keys()]).toEqual(['agents[]', 'callerid']);
    expect(params.get('callerid')).toBe(hostile);
    expect(params.get('agents[]')).toBe(`agent|${hostile}`);
  });

  it('keeps the array encoding in one switchable place', () => {
    expect(arrayParams('ivr', ['1', '2'], 'indices')).toEqual([
      ['ivr[0]', '1'],
      ['ivr[1]', '2'],
    ]);
    expect(arrayParams('ivr', ['1', '2'], 'comma')).toEqual([['ivr', '1,2']]);
  });

  it('refuses inputs the upstream would misread', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as GraphQLError).extensions.code;
      }
      return 'no error';
    };
    expect(code(() => filterToParams({ from: new Date('2024-05-03T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }, options))).toBe('BAD_USER_INPUT');
    expect(code(() => filterToParams({ services: ['a,b'] }, options))).toBe('BAD_USER_INPUT');
    expect(code(() => filterToParams({ callerId: '  ' }, options))).toBe('BAD_USER_INPUT');
    expect(code(() => filterToParams({ duration: { operator: 'GT', seconds: -1 } }, options))).toBe('BAD_USER_INPUT');
  });
});

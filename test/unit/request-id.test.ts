import { describe, expect, it } from '@jest/globals';
import { requestIdsFrom, traceIdOf } from '../../src/observability/request-id.js';

describe('request ids', () => {
  it('reads the trace id of a valid traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['garbage', 'hello'],
  ])('rejects a traceparent with %s', (_name, value) => {
    expect(traceIdOf(value)).toBeUndefined();
  });

  it('prefers x-request-id over the trace id, and keeps both', () => {
    expect(
      requestIdsFrom({ 'x-request-id': 'abc', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    ).toEqual({ requestId: 'abc', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('never adopts an x-request-id carrying characters that could forge log or header content', () => {
    expect(requestIdsFrom({ 'x-request-id': 'a"b\nc' }).requestId).not.toContain('"');
  });
});

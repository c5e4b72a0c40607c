import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { createCallLookup, createCallLookupState } from '../../src/calls/lookup.js';
import type { LookupOutcome } from '../../src/calls/lookup-planner.js';
import type { CallRecordModel } from '../../src/calls/model.js';

const record = (callId: string, tenant = 'a') => ({ callId, clientNumber: tenant }) as unknown as CallRecordModel;

/** A resolver that records which ids it was asked for and answers once released. */
function fakeUpstream(answer: (id: string) => LookupOutcome) {
  const asked: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const resolve = async (ids: readonly string[]) => {
    asked.push([...ids]);
    await gate;
    return new Map(ids.map((id) => [id, answer(id)]));
  };
  return { asked, resolve, release: () => release() };
}

describe('createCallLookup', () => {
  it('joins lookups already in flight for the same credential, in the order asked', async () => {
    const state = createCallLookupState({ cacheTtlMs: 0, cacheMaxEntries: 10 });
    const up = fakeUpstream((id) => record(id));
    const first = createCallLookup(state, 'cred-a', up.resolve).loadMany(['x', 'y']);
    const second = createCallLookup(state, 'cred-a', up.resolve).loadMany(['y', 'z', 'x']);
    up.release();
    expect((await first).map((r) => (r as CallRecordModel).callId)).toEqual(['x', 'y']);
    expect((await second).map((r) => (r as CallRecordModel).callId)).toEqual(['y', 'z', 'x']);
    expect(up.asked).toEqual([['x', 'y'], ['z']]);
    expect(state.inFlight.size).toBe(0);
  });

  it('never shares between credentials, in flight or cached', async () => {
    const state = createCallLookupState({ cacheTtlMs: 60_000, cacheMaxEntries: 10 });
    const a = fakeUpstream((id) => record(id, 'a'));
    const b = fakeUpstream((id) => record(id, 'b'));
    const fromA = createCallLookup(state, 'cred-a', a.resolve).loadMany(['x']);
    const fromB = createCallLookup(state, 'cred-b', b.resolve).loadMany(['x']);
    a.release();
    b.release();
    expect(await fromA).toEqual([record('x', 'a')]);
    expect(await fromB).toEqual([record('x', 'b')]);
    expect(await createCallLookup(state, 'cred-b', b.resolve).loadMany(['x'])).toEqual([record('x', 'b')]);
    expect(b.asked).toEqual([['x']]);
  });

  it('caches found records only: misses and errors are asked again', async () => {
    const state = createCallLookupState({ cacheTtlMs: 60_000, cacheMaxEntries: 10 });
    const failure = new GraphQLError('boom', { extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    const up = fakeUpstream((id) => (id === 'hit' ? record(id) : id === 'bad' ? failure : null));
    up.release();
    const lookup = createCallLookup(state, 'cred-a', up.resolve);
    expect(await lookup.loadMany(['hit', 'miss', 'bad'])).toEqual([record('hit'), null, failure]);
    await lookup.loadMany(['hit', 'miss', 'bad']);
    expect(up.asked).toEqual([['hit', 'miss', 'bad'], ['miss', 'bad']]);
  });

  it('turns a resolver that throws into an error for each of its ids, and frees the in-flight slots', async () => {
    const state = createCallLookupState({ cacheTtlMs: 0, cacheMaxEntries: 10 });
    const lookup = createCallLookup(state, 'cred-a', () => Promise.reject(new Error('bug')));
    const out = await lookup.loadMany(['x', 'y']);
    expect(out.every((o) => o instanceof GraphQLError && o.extensions.code === 'INTERNAL_SERVER_ERROR')).toBe(true);
    expect(state.inFlight.size).toBe(0);
  });
});

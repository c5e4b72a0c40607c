import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RECORDS_PATH } from '../../src/simulator/index.js';
import { expectData, startGateway, type TestGateway } from '../helpers/gateway.js';

interface Page {
  callRecords: {
    totalCount?: number;
    edges: Array<{ cursor: string; node: { callId: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $filter: CallRecordFilter) {
  callRecords(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { callId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function pageForward(gw: TestGateway, size: number, filter?: unknown, stopAfter = Infinity) {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: Page = expectData(await gw.gql<Page>(PAGE, { first: size, after, filter }));
    seen.push(...page.callRecords.edges.map((e) => e.node.callId));
    pages++;
    if (!page.callRecords.pageInfo.hasNextPage || pages >= stopAfter) return { seen, after: page.callRecords.pageInfo.endCursor, pages };
    after = page.callRecords.pageInfo.endCursor;
  }
}

describe('forward and backward paging over several upstream pages', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { records: 240 }, env: { ACEFONE_PAGE_SIZE: '20' } });
  });
  afterAll(() => gw.close());
  beforeEach(() => gw.sim.resetRequests());

  it('pages forward through every record exactly once, in the upstream order', async () => {
    const { seen } = await pageForward(gw, 33);
    expect(seen).toEqual(gw.sim.records().map((r) => r.call_id));
  });

  it('pages backward from the end through every record exactly once', async () => {
    const collected: string[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Page = expectData(await gw.gql<Page>(PAGE, { last: 45, before }));
      collected.unshift(page.callRecords.edges.map((e) => e.node.callId));
      if (!page.callRecords.pageInfo.hasPreviousPage) break;
      before = page.callRecords.pageInfo.startCursor;
    }
    expect(collected.flat()).toEqual(gw.sim.records().map((r) => r.call_id));
  });

  it('serves a 50-record page from the fewest upstream pages of at most ACEFONE_PAGE_SIZE, concurrently', async () => {
    const page = expectData(await gw.gql<Page>(PAGE, { first: 50 }));
    expect(page.callRecords.edges).toHaveLength(50);
    const limits = gw.sim.requests.filter((r) => r.path === RECORDS_PATH).map((r) => Number(r.params.get('limit')));
    expect(limits.length).toBe(3);
    expect(Math.max(...limits)).toBeLessThanOrEqual(20);
  });

  it('makes one upstream request for a page that fits in one, and none more for totalCount on the first page', async () => {
    const data = expectData(await gw.gql<Page>(`{ callRecords(first: 10) { totalCount edges { node { callId } } } }`));
    expect(data.callRecords.totalCount).toBe(240);
    expect(gw.sim.count(RECORDS_PATH)).toBe(1);
  });

  it('reports totalCount on later pages too', async () => {
    const first = expectData(await gw.gql<Page>(PAGE, { first: 10 }));
    const second = expectData(
      await gw.gql<Page>(`query($a: String) { callRecords(first: 10, after: $a) { totalCount edges { node { callId } } } }`, {
        a: first.callRecords.pageInfo.endCursor,
      }),
    );
    expect(second.callRecords.totalCount).toBe(240);
  });

  it('keeps pageInfo complete at both ends', async () => {
    const first = expectData(await gw.gql<Page>(PAGE, { first: 5 }));
    expect(first.callRecords.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.callRecords.pageInfo.startCursor).toBe(first.callRecords.edges[0]!.cursor);
    expect(first.callRecords.pageInfo.endCursor).toBe(first.callRecords.edges[4]!.cursor);
    const last = expectData(await gw.gql<Page>(PAGE, { last: 5 }));
    expect(last.callRecords.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(last.callRecords.edges.map((e) => e.node.callId)).toEqual(gw.sim.records().slice(-5).map((r) => r.call_id));
    const empty = expectData(await gw.gql<Page>(PAGE, { first: 5, filter: { callId: 'no-such-call' } }));
    expect(empty.callRecords).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it('pages a filtered list exactly like the upstream filters it', async () => {
    const filter = { direction: 'INBOUND', callType: 'ANSWERED' };
    const { seen } = await pageForward(gw, 7, filter);
    const truth = gw.sim.records().filter((r) => r.direction === 'inbound' && r.status === 'answered');
    expect(truth.length).toBeGreaterThan(20);
    expect(seen).toEqual(truth.map((r) => r.call_id));
  });
});

describe('cursors stay exact while calls arrive', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { records: 120 }, env: { ACEFONE_PAGE_SIZE: '25' } });
  });
  afterAll(() => gw.close());

  it('sees every call exactly once when new calls and late CDRs arrive between pages', async () => {
    const before = gw.sim.records().map((r) => r.call_id);
    const first = expectData(await gw.gql<Page>(PAGE, { first: 30 }));
    const firstIds = first.callRecords.edges.map((e) => e.node.callId);
    const cursorRecord = gw.sim.records().find((r) => r.call_id === firstIds[29])!;
    const cursorStart = Math.floor(Date.parse(`${cursorRecord.date}T${cursorRecord.time}+05:30`) / 1000);

    // A new call (newer than everything), a late CDR older than the cursor's record, and one in the same second.
    gw.sim.addCall();
    const late = gw.sim.addCall({ startEpoch: cursorStart - 3600 });
    const sameSecond = gw.sim.addCall({ startEpoch: cursorStart });

    const rest: string[] = [];
    let after = first.callRecords.pageInfo.endCursor;
    for (let i = 0; i < 20 && after; i++) {
      const page: Page = expectData(await gw.gql<Page>(PAGE, { first: 30, after }));
      rest.push(...page.callRecords.edges.map((e) => e.node.callId));
      after = page.callRecords.pageInfo.hasNextPage ? page.callRecords.pageInfo.endCursor : null;
    }
    const all = [...firstIds, ...rest];
    expect(new Set(all).size).toBe(all.length);
    // Every call that existed at the first page is seen, and so is the late CDR (it sorts after the cursor).
    for (const id of before) expect(all).toContain(id);
    expect(all).toContain(late.call_id);
    expect(all).toContain(sameSecond.call_id);
    // Order stays newest first. The call stored in the cursor's own second may sort before the cursor's record
    // upstream; it was not there when that record was handed out, so it follows it instead of being lost.
    const withoutTie = (ids: string[]) => ids.filter((id) => id !== sameSecond.call_id);
    const truthOrder = gw.sim.records().map((r) => r.call_id).filter((id) => all.includes(id));
    expect(withoutTie(all)).toEqual(withoutTie(truthOrder));
    expect(all.indexOf(sameSecond.call_id)).toBe(30);
  });
});

describe('backward paging while calls arrive', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { records: 90 }, env: { ACEFONE_PAGE_SIZE: '25' } });
  });
  afterAll(() => gw.close());

  it('never repeats or skips a call when new and late calls arrive between backward pages', async () => {
    const existing = gw.sim.records().map((r) => r.call_id);
    const collected: string[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Page = expectData(await gw.gql<Page>(PAGE, { last: 20, before }));
      collected.unshift(page.callRecords.edges.map((e) => e.node.callId));
      if (i === 0) {
        // A brand-new call and a late CDR newer than this page's records.
        gw.sim.addCall();
        const newest = gw.sim.records()[1]!;
        gw.sim.addCall({ startEpoch: Math.floor(Date.parse(`${newest.date}T${newest.time}+05:30`) / 1000) - 60 });
      }
      if (!page.callRecords.pageInfo.hasPreviousPage) break;
      before = page.callRecords.pageInfo.startCursor;
    }
    const all = collected.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const id of existing) expect(all).toContain(id);
  });
});

describe('an upstream that clamps its limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { records: 150, maxLimit: 15 }, env: { ACEFONE_PAGE_SIZE: '100' } });
  });
  afterAll(() => gw.close());

  it('fetches what the clamp left out, from the limit it echoed: no gap, no duplicate', async () => {
    gw.sim.resetRequests();
    const page = expectData(await gw.gql<Page>(PAGE, { first: 70 }));
    expect(page.callRecords.edges.map((e) => e.node.callId)).toEqual(gw.sim.records().slice(0, 70).map((r) => r.call_id));
    // One request learns the clamp (15 rows), then 4 more pages of 15 cover offsets 15..69.
    expect(gw.sim.count(RECORDS_PATH)).toBe(5);
  });

  it('pages through everything with cursors, forward and backward', async () => {
    const { seen } = await pageForward(gw, 40);
    expect(seen).toEqual(gw.sim.records().map((r) => r.call_id));
    const last = expectData(await gw.gql<Page>(PAGE, { last: 40 }));
    expect(last.callRecords.edges.map((e) => e.node.callId)).toEqual(gw.sim.records().slice(-40).map((r) => r.call_id));
  });
});

describe('bad connection arguments', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ sim: { records: 50 } });
  });
  afterAll(() => gw.close());

  it.each([
    ['negative first', { first: -1 }, 'first'],
    ['first above the maximum', { first: 501 }, 'first'],
    ['negative last', { last: -2 }, 'last'],
    ['first and last together', { first: 2, last: 2 }, 'last'],
    ['a malformed cursor', { first: 2, after: 'garbage!' }, 'after'],
    ['from after to', { first: 2, filter: { from: '2026-11-20T00:00:00Z', to: '2026-11-19T00:00:00Z' } }, 'filter'],
  ])('%s is a BAD_USER_INPUT with no upstream call', async (_name, variables, argumentName) => {
    gw.sim.resetRequests();
    const res = await gw.gql(PAGE, variables);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(JSON.stringify(res.errors)).not.toMatch(/at .*\.ts|stacktrace/);
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });

  it('refuses an unparseable DateTime before any upstream call', async () => {
    gw.sim.resetRequests();
    const res = await gw.gql(PAGE, { first: 2, filter: { from: 'yesterday' } });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });

  it('refuses a cursor used with another filter', async () => {
    const page = expectData(await gw.gql<Page>(PAGE, { first: 2 }));
    gw.sim.resetRequests();
    const res = await gw.gql(PAGE, { first: 2, after: page.callRecords.pageInfo.endCursor, filter: { direction: 'INBOUND' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    expect(res.errors?.[0]?.message).toMatch(/different filter/);
    expect(gw.sim.count(RECORDS_PATH)).toBe(0);
  });
});

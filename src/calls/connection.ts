import pLimit from 'p-limit';
import type { CallRecordFilter } from '../__generated__/resolvers-types.js';
import { badUserInput } from '../upstream/errors.js';
import type { CallRecordPage, CallsApi, QueryParams } from './api.js';
import { filterKey, filterToParams, filterWindow, type FilterOptions } from './filter.js';
import type { CallRecordModel } from './model.js';
import { decodeCursor, encodeCursor, fingerprint, planPages, type Cursor } from './pagination.js';

/*
 * callRecords: Relay connection semantics over `page`/`limit` (see pagination.ts for the cursor design).
 */

export interface ConnectionArgs {
  filter?: CallRecordFilter | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface ConnectionOptions extends FilterOptions {
  /** Upstream `limit` to ask for. */
  pageSize: number;
  /** Largest `first`/`last` a client may ask for. */
  maxPageSize: number;
  /** Upstream requests in flight at once for one connection. */
  concurrency: number;
  defaultPageSize?: number;
}

export interface CallRecordConnectionModel {
  edges: Array<{ cursor: string; node: CallRecordModel }>;
  nodes: CallRecordModel[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Resolved lazily: costs an upstream request only on pages whose own query is not the filter's. */
  totalCount: () => Promise<number>;
}

const startSecond = (r: CallRecordModel): number | null =>
  r.startedAt instanceof Date ? Math.floor(r.startedAt.getTime() / 1000) : null;

/** Rows at absolute offsets of one upstream query, and the query's `count`. */
interface Range {
  count: number;
  /** rows[i] is the row at offset `start + i` (less the unreadable rows before it, which are skipped). */
  rows: CallRecordModel[];
  start: number;
}

/**
 * Fetches offsets [start, end) of one query from the fewest pages, concurrently (bounded). When the upstream
 * serves fewer rows per page than asked (its clamp), the missing offsets are planned again from the `limit`
 * it echoed, so the range never has a gap.
 */
export async function fetchRange(
  api: CallsApi,
  params: QueryParams,
  start: number,
  end: number,
  options: Pick<ConnectionOptions, 'pageSize' | 'concurrency'>,
): Promise<Range> {
  // null marks an unreadable row (see api.ts): present, so never fetched again, but never served.
  const byOffset = new Map<number, CallRecordModel | null>();
  const limiter = pLimit(options.concurrency);
  let count = -1;
  let pageSize = options.pageSize;
  let missing: Array<[number, number]> = [[start, end]];
  for (let round = 0; round < 6 && missing.length > 0; round++) {
    const requests: Array<Promise<CallRecordPage>> = [];
    for (const [a, b] of missing) {
      const plan = planPages(a, b, pageSize);
      for (const page of plan.pages)
        requests.push(
          limiter(() => api.listCallRecords([...params, ['page', String(page)], ['limit', String(plan.limit)]])),
        );
    }
    const pages = await Promise.all(requests);
    for (const p of pages) {
      count = Math.max(count, p.count);
      // Offsets follow the limit the upstream used, which is lower than asked when it clamps.
      const base = (p.page - 1) * p.limit;
      p.records.forEach((r, i) => byOffset.set(base + (p.positions?.[i] ?? i), r));
      for (const i of p.unreadable ?? []) byOffset.set(base + i, null);
      if (p.limit > 0 && p.limit < pageSize) pageSize = p.limit;
    }
    const stop = Math.min(end, count);
    missing = [];
    for (let o = start; o < stop; o++) {
      if (byOffset.has(o)) continue;
      let e = o;
      while (e < stop && !byOffset.has(e)) e++;
      missing.push([o, e]);
      o = e;
    }
  }
  const rows: CallRecordModel[] = [];
  for (let o = start; o < Math.min(end, count); o++) {
    const r = byOffset.get(o);
    if (r === undefined) break;
    if (r) rows.push(r);
  }
  return { count: Math.max(count, 0), rows, start };
}

function checkArgs(args: ConnectionArgs, max: number): void {
  for (const name of ['first', 'last'] as const) {
    const v = args[name];
    if (v != null && (v < 0 || v > max))
      throw badUserInput(`${name} must be between 0 and ${max}.`, name);
  }
  if (args.first != null && args.last != null)
    throw badUserInput('Use either first/after or last/before, not both first and last.', 'last');
  if (args.first != null && args.before != null)
    throw badUserInput('before goes with last; use after with first.', 'before');
  if (args.last != null && args.after != null)
    throw badUserInput('after goes with first; use before with last.', 'after');
  if (args.after != null && args.before != null)
    throw badUserInput('Use either after or before, not both.', 'before');
}

/** Builds the cursors of a run of rows, carrying the ids already handed out at each second. */
function edgesFor(
  rows: CallRecordModel[],
  from: number,
  to: number,
  fp: string,
  snapshot: number | null,
  seed: { s: number | null; ids: string[] } | null,
  offsetBase: number,
): CallRecordConnectionModel['edges'] {
  const edges: CallRecordConnectionModel['edges'] = [];
  let second: number | null | undefined = seed ? seed.s : undefined;
  let ids: string[] = seed ? [...seed.ids] : [];
  for (let i = 0; i < to; i++) {
    const r = rows[i]!;
    const s = startSecond(r);
    if (s !== second || s === null) {
      second = s;
      ids = [];
    }
    if (!ids.includes(r.callId)) ids.push(r.callId);
    if (i >= from) {
      const cursor: Cursor = { f: fp, s, ids: [...ids.filter((id) => id !== r.callId), r.callId], t: snapshot };
      if (s === null) cursor.o = offsetBase + i;
      edges.push({ cursor: encodeCursor(cursor), node: r });
    }
  }
  return edges;
}

/** Resolves a `callRecords` connection. */
export async function resolveConnection(
  api: CallsApi,
  args: ConnectionArgs,
  options: ConnectionOptions,
): Promise<CallRecordConnectionModel> {
  checkArgs(args, options.maxPageSize);
  const window = filterWindow(args.filter);
  const filterParams = filterToParams(args.filter, options, window);
  const fp = fingerprint(filterKey(filterParams));
  const params = (w: { from?: Date; to?: Date }) => filterToParams(args.filter, options, w);
  const atMost = (a: Date | undefined, sec: number | null) =>
    sec === null ? a : a && a.getTime() < sec * 1000 ? a : new Date(sec * 1000);
  const atLeast = (a: Date | undefined, sec: number | null) =>
    sec === null ? a : a && a.getTime() > sec * 1000 ? a : new Date(sec * 1000);

  let totalFromPage: number | undefined;
  let snapshot: number | null = null;
  const totalCount = async () =>
    totalFromPage ??
    (await api.listCallRecords([...params({ ...window, to: atMost(window.to, snapshot) }), ['page', '1'], ['limit', '1']]))
      .count;
  const build = (
    edges: CallRecordConnectionModel['edges'],
    hasNextPage: boolean,
    hasPreviousPage: boolean,
  ): CallRecordConnectionModel => ({
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  });

  if (args.last == null) {
    // Forward: first/after.
    const n = args.first ?? options.defaultPageSize ?? 20;
    const after = args.after != null ? decodeCursor(args.after, fp, 'after') : null;
    snapshot = after?.t ?? null;
    if (after && after.s === null) {
      // Offset fallback: the cursor's record had no usable start time.
      const q = params({ ...window, to: atMost(window.to, snapshot) });
      const range = await fetchRange(api, q, after.o! + 1, after.o! + 1 + Math.max(n, 1), options);
      const rows = range.rows.slice(0, n);
      const edges = edgesFor(range.rows, 0, rows.length, fp, snapshot, null, range.start);
      return build(edges, range.count > range.start + rows.length, true);
    }
    const skip = new Set(after?.ids ?? []);
    const q = after ? params({ ...window, to: atMost(window.to, after.s) }) : filterParams;
    const range = await fetchRange(api, q, 0, Math.max(n + skip.size, 1), options);
    if (!after) {
      totalFromPage = range.count;
      snapshot = range.rows[0] ? startSecond(range.rows[0]) : null;
    }
    // Drop what the cursor already handed out (all at its second, so at the top of the query).
    const kept: CallRecordModel[] = [];
    let consumed = 0;
    for (const r of range.rows) {
      if (kept.length === n) break;
      consumed++;
      if (after && startSecond(r) === after.s && skip.has(r.callId)) continue;
      if (after && after.s !== null && (startSecond(r) ?? 0) > after.s) continue;
      kept.push(r);
    }
    const rowsUpTo = range.rows.slice(0, consumed);
    const keptIdx = new Set(kept);
    const edges = edgesFor(rowsUpTo, 0, rowsUpTo.length, fp, snapshot, after ? { s: after.s, ids: after.ids } : null, 0).filter(
      (e) => keptIdx.has(e.node),
    );
    return build(edges, range.count > consumed, after !== null);
  }

  // Backward: last/before.
  const n = args.last;
  const before = args.before != null ? decodeCursor(args.before, fp, 'before') : null;
  const extra = 8;
  let q: QueryParams = filterParams;
  let keep: (r: CallRecordModel) => boolean = () => true;
  if (before) {
    snapshot = before.t;
    if (before.s === null) {
      q = params({ ...window, to: atMost(window.to, snapshot) });
      const start = Math.max(0, before.o! - n);
      const range = await fetchRange(api, q, start, before.o!, options);
      const edges = edgesFor(range.rows, 0, range.rows.length, fp, snapshot, null, start);
      return build(edges, true, start > 0);
    }
    const handedOut = new Set(before.ids.slice(0, -1));
    q = params({ from: atLeast(window.from, before.s), to: atMost(window.to, snapshot) });
    keep = (r) => {
      const s = startSecond(r);
      return s === null || s > before.s! || (s === before.s && handedOut.has(r.callId));
    };
  }
  // Learn the count from the head, then read the tail (plus a few rows before it, for the cursors' seen ids).
  const want = n + extra + (before ? before.ids.length : 0);
  const head = await fetchRange(api, q, 0, Math.min(Math.max(want, 1), options.pageSize), options);
  if (!before) {
    totalFromPage = head.count;
    snapshot = head.rows[0] ? startSecond(head.rows[0]) : null;
  }
  const keptIndexes = (rows: CallRecordModel[]) => rows.flatMap((r, i) => (keep(r) ? [i] : []));
  let range = head;
  if (head.count > head.rows.length) {
    let start = Math.max(0, head.count - want);
    range = await fetchRange(api, q, start, head.count, options);
    // Extend backwards while the page would be short, or while its first row's second may have rows before
    // the fetched range (its cursor must list them).
    for (let round = 0; round < 10 && range.start > 0; round++) {
      const kept = keptIndexes(range.rows);
      const first = kept[Math.max(0, kept.length - n)];
      const short = kept.length < n;
      const sharesSecond =
        first !== undefined && startSecond(range.rows[0]!) !== null && startSecond(range.rows[0]!) === startSecond(range.rows[first]!);
      if (!short && !sharesSecond) break;
      start = Math.max(0, start - want);
      const more = await fetchRange(api, q, start, range.start, options);
      range = { count: range.count, start, rows: [...more.rows, ...range.rows] };
    }
  }
  const kept = keptIndexes(range.rows);
  const pageIdx = kept.slice(Math.max(0, kept.length - n));
  const from = pageIdx[0] ?? range.rows.length;
  const to = (pageIdx[pageIdx.length - 1] ?? from - 1) + 1;
  const pageSet = new Set(pageIdx.map((i) => range.rows[i]!));
  const edges = edgesFor(range.rows, from, to, fp, snapshot, null, range.start).filter((e) => pageSet.has(e.node));
  const hasPreviousPage = kept.length > pageIdx.length || range.start > 0;
  return build(edges, before !== null, hasPreviousPage);
}

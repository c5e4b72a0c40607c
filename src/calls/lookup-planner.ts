import type { GraphQLError } from 'graphql';
import type { ArrayFormat } from '../config.js';
import { ErrorCode, UpstreamShapeError, toGraphQLError } from '../upstream/errors.js';
import type { CallsApi } from './api.js';
import { callIdEpoch } from './call-id.js';
import { fetchRange } from './connection.js';
import { filterToParams } from './filter.js';
import type { CallRecordModel } from './model.js';

/*
 * Resolves a batch of call ids in the fewest upstream requests the gateway can know to be enough.
 *
 * The upstream answers one `call_id` per request. But `<epoch>.<seq>` ids carry their call's start, so ids close
 * in time can all come back from one date-window query. For each cluster of such ids the planner reads the
 * window's first page (the probe: it nearly always holds the newest id of the cluster, so it is rarely wasted),
 * which tells the window's `count`. It then pages on through the window when that costs no more requests than
 * point lookups of the ids still missing, splits the cluster at its widest gap when the window is too dense, or
 * falls back to point lookups. Ids a scan did not return are always looked up one by one, and a record is only
 * handed out for the id it carries: a scan can save requests, never change an answer.
 */

/** A record, null when the upstream does not know the id, or the error of that id alone. */
export type LookupOutcome = CallRecordModel | null | GraphQLError;

export interface PlannerOptions {
  timeZone: string;
  arrayFormat: ArrayFormat;
  /** Upstream `limit` for window pages. */
  pageSize: number;
  /** Pages of one window in flight at once (the caller's api bounds the whole batch). */
  concurrency: number;
  /** False: point lookups only. */
  windowScan: boolean;
}

/** Tuning, fixed: changing it changes request counts, never answers. */
const PAD_SECONDS = 60; // a CDR's recorded start may lag its id's epoch a little
const MAX_GAP_SECONDS = 3600; // ids further apart start separate clusters
const MAX_SPAN_SECONDS = 6 * 3600; // widest first window
const MIN_CLUSTER = 3; // smaller clusters gain too little over point lookups to pay for a 100-row page
const MAX_SPLITS = 3; // how deep a too-dense cluster is split before giving up on scans
const PLAUSIBLE_SLACK_MS = 86_400_000; // rows this far outside the window mean the upstream ignored it

interface Dated {
  id: string;
  epoch: number;
}

const NEVER_RETRY_AS_POINTS = new Set<unknown>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.UPSTREAM_RATE_LIMITED]);

/** Groups ids (sorted by epoch) into runs without a gap over MAX_GAP_SECONDS and no wider than MAX_SPAN_SECONDS. */
export function clusterByTime(sorted: readonly Dated[]): Dated[][] {
  const clusters: Dated[][] = [];
  let current: Dated[] = [];
  for (const d of sorted) {
    const first = current[0];
    const last = current[current.length - 1];
    if (first && last && (d.epoch - last.epoch > MAX_GAP_SECONDS || d.epoch - first.epoch > MAX_SPAN_SECONDS)) {
      clusters.push(current);
      current = [];
    }
    current.push(d);
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/** Splits a cluster (sorted by epoch) at its widest gap. */
function splitAtWidestGap(cluster: readonly Dated[]): [Dated[], Dated[]] {
  let at = 1;
  let widest = -1;
  for (let i = 1; i < cluster.length; i++) {
    const gap = cluster[i]!.epoch - cluster[i - 1]!.epoch;
    if (gap > widest) {
      widest = gap;
      at = i;
    }
  }
  return [cluster.slice(0, at), cluster.slice(at)];
}

const startSecond = (r: CallRecordModel): number | null =>
  r.startedAt instanceof Date ? Math.floor(r.startedAt.getTime() / 1000) : null;

/** Resolves distinct `ids`; every id gets an outcome. */
export async function resolveCallIds(
  api: CallsApi,
  ids: readonly string[],
  options: PlannerOptions,
): Promise<Map<string, LookupOutcome>> {
  const out = new Map<string, LookupOutcome>();
  let scansUsable = options.windowScan;

  const point = async (id: string): Promise<void> => {
    try {
      const page = await api.listCallRecords([
        ['call_id', id],
        ['page', '1'],
        ['limit', '1'],
      ]);
      // Never hand out a record for another id (an upstream that ignored the filter would return the newest call).
      const found = page.records.find((r) => r.callId === id);
      if (!found && page.unreadable) throw new UpstreamShapeError('unreadable call record');
      out.set(id, found ?? null);
    } catch (error) {
      // One failing id errors only its own field.
      out.set(id, toGraphQLError(error));
    }
  };
  const points = async (list: readonly Dated[] | readonly string[]): Promise<void> => {
    await Promise.all(list.map((d) => point(typeof d === 'string' ? d : d.id)));
  };

  /** A failed scan: auth and rate-limit errors fail the ids (retrying them one by one would only add load). */
  const scanFailed = (error: unknown, rest: readonly Dated[]): Promise<void> => {
    const e = toGraphQLError(error);
    if (NEVER_RETRY_AS_POINTS.has(e.extensions.code)) {
      for (const d of rest) out.set(d.id, e);
      return Promise.resolve();
    }
    return points(rest);
  };

  const scan = async (cluster: readonly Dated[], splits: number): Promise<void> => {
    if (!scansUsable || cluster.length < MIN_CLUSTER) return points(cluster);
    const from = new Date((cluster[0]!.epoch - PAD_SECONDS) * 1000);
    const to = new Date((cluster[cluster.length - 1]!.epoch + PAD_SECONDS) * 1000);
    const params = filterToParams(null, options, { from, to });
    const wanted = new Map(cluster.map((d) => [d.id, d]));
    const take = (rows: readonly CallRecordModel[]) => {
      // Only the exact id a record carries is answered with it.
      for (const r of rows) if (wanted.delete(r.callId)) out.set(r.callId, r);
    };
    const pageOptions = { pageSize: options.pageSize, concurrency: options.concurrency };

    let head;
    try {
      head = await fetchRange(api, params, 0, options.pageSize, pageOptions);
    } catch (error) {
      return scanFailed(error, cluster);
    }
    const outside = head.rows.some((r) => {
      const t = r.startedAt instanceof Date ? r.startedAt.getTime() : null;
      return t !== null && (t < from.getTime() - PLAUSIBLE_SLACK_MS || t > to.getTime() + PLAUSIBLE_SLACK_MS);
    });
    if (outside) {
      // The upstream ignored the window: no scan of this batch can help.
      scansUsable = false;
      return points([...wanted.values()]);
    }
    take(head.rows);
    if (wanted.size === 0) return;
    const rest = [...wanted.values()];
    // The whole window was on the first page: the rest start elsewhere (or do not exist).
    if (head.count <= head.rows.length) return points(rest);
    const starts = head.rows.map(startSecond).filter((s): s is number => s !== null);
    if (starts.length === 0) return points(rest);
    // Newest first: the first page covered starts from its oldest row up. Ids that would lie there are not in
    // this window.
    const oldest = Math.min(...starts);
    const covered = rest.filter((d) => d.epoch - PAD_SECONDS > oldest);
    const uncovered = rest.filter((d) => d.epoch - PAD_SECONDS <= oldest);
    const pagesLeft = Math.ceil((head.count - head.rows.length) / options.pageSize);
    const work: Array<Promise<void>> = [points(covered)];
    if (pagesLeft <= uncovered.length) {
      work.push(
        fetchRange(api, params, head.rows.length, head.count, pageOptions).then(
          (tail) => {
            take(tail.rows);
            return points(uncovered.filter((d) => wanted.has(d.id)));
          },
          (error: unknown) => scanFailed(error, uncovered),
        ),
      );
    } else if (splits < MAX_SPLITS && uncovered.length >= 2 * MIN_CLUSTER) {
      const [a, b] = splitAtWidestGap(uncovered);
      work.push(scan(a, splits + 1), scan(b, splits + 1));
    } else {
      work.push(points(uncovered));
    }
    await Promise.all(work);
  };

  const dated: Dated[] = [];
  const plain: string[] = [];
  for (const id of ids) {
    const epoch = options.windowScan ? callIdEpoch(id) : null;
    if (epoch === null) plain.push(id);
    else dated.push({ id, epoch });
  }
  dated.sort((a, b) => a.epoch - b.epoch);
  await Promise.all([points(plain), ...clusterByTime(dated).map((c) => scan(c, 0))]);
  return out;
}

import { HTTPError, type KyInstance, type Options } from 'ky';
import { z } from 'zod';
import type { Credential } from '../upstream/auth.js';
import { UpstreamShapeError, toGraphQLError } from '../upstream/errors.js';
import { CREDENTIAL_OPTION, DEADLINE_OPTION } from '../upstream/guard.js';
import type { CallRecordDto } from './dto.js';
import { toCallRecord } from './mapper.js';
import type { CallRecordModel } from './model.js';

/** Query parameters exactly as they go on the wire, in order (arrays as repeated pairs). */
export type QueryParams = ReadonlyArray<readonly [string, string]>;

/** One upstream page, its records already mapped to their GraphQL shape. */
export interface CallRecordPage {
  count: number;
  /** Page size the upstream used (its clamp may be lower than what was asked). */
  limit: number;
  page: number;
  records: CallRecordModel[];
  /** Positions in the page of rows the gateway could not read (see below); absent when there are none. */
  unreadable?: number[];
  /** Position in the page of each record, when some rows were unreadable. */
  positions?: number[];
}

/**
 * Page reads in flight, shared by all requests of one server: a request that needs exactly the page another
 * request (or itself) is already reading, under the same credential, waits for that read instead of sending
 * its own. Only while in flight: nothing is kept once the upstream has answered. Keys start with the
 * credential's id, so one tenant never sees another's page.
 */
export type PageReads = Map<string, PageRead>;

interface PageRead {
  page: Promise<CallRecordPage>;
  /** The deadline of the request that sent it, which bounds it. */
  deadline: number | undefined;
}

/**
 * A read is joined only when its request started at most this long before the joiner's. The joiner can then
 * neither wait past its own deadline nor lose more than this much of its time to the other's, and a page it
 * joins was requested at most this long before its own request arrived.
 */
export const JOIN_WINDOW_MS = 1000;

export interface CallsApi {
  /** `GET /v1/call/records` with the given params (page and limit included). */
  listCallRecords(params: QueryParams): Promise<CallRecordPage>;
}

export interface CallsApiDeps {
  http: KyInstance;
  timeZone: string;
  /** This request's upstream credential. */
  credential: Credential;
  /** Called once per upstream request issued (for request accounting). */
  onRequest?: () => void;
  /**
   * When this request's upstream work must be over (ms epoch): the guard ends each call's attempts, backoffs
   * and body reads by then (`DEADLINE_OPTION`), and none starts after it. A time rather than an AbortSignal, so
   * no combined signal is built per call.
   */
  deadline?: number;
  /** Shared page reads (see PageReads); without it every call is its own upstream request. */
  pageReads?: PageReads;
  /** Told whether a page read joined one in flight (metrics). */
  onPageRead?: (joined: boolean) => void;
}

class Unauthorized extends Error {
  constructor(
    readonly token: string,
    override readonly cause: HTTPError,
  ) {
    super('upstream 401');
  }
}

const count = z.coerce.number().int().nonnegative();
const Envelope = z.object({ count, limit: count, size: count.optional(), page: count, results: z.array(z.unknown()) });

const usableId = (v: unknown) => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));

/**
 * The per-item rule: a row is readable when it is an object with a usable `call_id` and `id` (string or number,
 * so integer and hex ids both pass). Every other field is read tolerantly by the mapper (an unexpected value
 * becomes null). An unreadable row is left out: a list keeps every other record and reports the row as an
 * UPSTREAM_BAD_RESPONSE error at the list's path; a lookup whose row is unreadable errors on its own entry.
 */
function isRecord(v: unknown): v is CallRecordDto {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return usableId(r.call_id) && usableId(r.id);
}

export function createCallsApi(deps: CallsApiDeps): CallsApi {
  const read = async (query: string): Promise<CallRecordPage> => {
    try {
      const get = async () => {
        const token = await deps.credential.token();
        const left = deps.deadline === undefined ? undefined : deps.deadline - Date.now();
        if (left !== undefined && left <= 0) throw new DOMException('the request deadline has passed', 'TimeoutError');
        deps.onRequest?.();
        try {
          return await deps.http
            .get(query, {
              headers: { authorization: `Bearer ${token}` },
              // Forwarded by ky to the guard's fetch: the limiter budget this request spends, and when its
              // attempts must be over.
              ...({ [CREDENTIAL_OPTION]: deps.credential.id, [DEADLINE_OPTION]: deps.deadline } as Options),
            })
            .json<unknown>();
        } catch (error) {
          if (error instanceof HTTPError && error.response.status === 401) throw new Unauthorized(token, error);
          throw error;
        }
      };
      let body: unknown;
      try {
        body = await get();
      } catch (error) {
        // A login token may expire mid-request: refresh once and retry once.
        if (!(error instanceof Unauthorized)) throw error;
        if (!deps.credential.refresh || !(await deps.credential.refresh(error.token))) throw error.cause;
        body = await get().catch((e: unknown) => Promise.reject(e instanceof Unauthorized ? e.cause : e));
      }
      const envelope = Envelope.safeParse(body);
      if (!envelope.success) throw new UpstreamShapeError('call records envelope');
      const { results } = envelope.data;
      const records: CallRecordModel[] = [];
      const positions: number[] = [];
      const unreadable: number[] = [];
      results.forEach((row, i) => {
        if (!isRecord(row)) return void unreadable.push(i);
        records.push(toCallRecord(row, deps.timeZone));
        positions.push(i);
      });
      const page = { count: envelope.data.count, limit: envelope.data.limit, page: envelope.data.page, records };
      return unreadable.length > 0 ? { ...page, unreadable, positions } : page;
    } catch (error) {
      throw toGraphQLError(error);
    }
  };
  return {
    listCallRecords(params) {
      // The query string is part of ky's input: given as searchParams, ky would build its Request twice.
      const search = new URLSearchParams(params as Array<[string, string]>).toString();
      const query = search ? `v1/call/records?${search}` : 'v1/call/records';
      const shared = deps.pageReads;
      if (!shared) return read(query);
      const key = `${deps.credential.id}\u0000${query}`;
      const running = shared.get(key);
      const { deadline } = deps;
      const joinable =
        running !== undefined &&
        (running.deadline === undefined || deadline === undefined
          ? running.deadline === deadline
          : running.deadline <= deadline && deadline - running.deadline <= JOIN_WINDOW_MS);
      deps.onPageRead?.(joinable);
      if (joinable) return running.page;
      // A read too old to join is replaced: later requests join this one instead.
      const entry: PageRead = { page: read(query), deadline };
      shared.set(key, entry);
      const forget = () => {
        if (shared.get(key) === entry) shared.delete(key);
      };
      entry.page.then(forget, forget);
      return entry.page;
    },
  };
}

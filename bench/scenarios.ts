import type { CallRecordDto } from '../src/calls/dto.js';

/** The list query: 15 fields of each record, its circle and its call flow (what the floor projects too). */
export const LIST_QUERY = `query List($first: Int!, $after: String) {
  callRecords(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        callId id startedAt endedAt direction status clientNumber agentName agentNumber didNumber departmentName
        callDuration answeredSeconds hangupCause
        circle { operator circle }
        callFlow { kind type time name number }
      }
    }
  }
}`;

/** The list query up to a time: with a different `to` per query, no two queries need the same upstream page. */
export const LIST_TO_QUERY = LIST_QUERY.replace('query List($first: Int!, $after: String)', 'query ListTo($first: Int!, $after: String, $to: DateTime!)').replace(
  'callRecords(first: $first, after: $after)',
  'callRecords(first: $first, after: $after, filter: { to: $to })',
);

/** `n` aliased `callRecord(callId)` lookups; ids go in variables so the document stays the same. */
export function lookupQuery(n: number): string {
  const vars = Array.from({ length: n }, (_, i) => `$id${i}: ID!`).join(', ');
  const fields = 'callId startedAt direction status clientNumber agentName callDuration answeredSeconds';
  const body = Array.from({ length: n }, (_, i) => `  r${i}: callRecord(callId: $id${i}) { ${fields} }`).join('\n');
  return `query Lookups(${vars}) {\n${body}\n}`;
}

/** The record's start as the upstream's `to_date` wants it. */
export const wallClock = (r: CallRecordDto): string => `${r.date} ${r.time}`;

const epochOf = (r: CallRecordDto): number | null => {
  const m = /^(\d{9,10})\.\d+$/.exec(String(r.call_id));
  return m ? Number(m[1]) : null;
};

/** Every record once, in sets of `n` ids taken far apart (no two ids of a set close in time). */
export function distinctSets(records: CallRecordDto[], n: number): string[][] {
  const ids = records.map((r) => String(r.call_id));
  const step = 7919; // prime: walks the whole list in a scattered order
  const order = ids.map((_, i) => ids[(i * step) % ids.length]!);
  const sets: string[][] = [];
  for (let i = 0; i + n <= order.length; i += n) sets.push(order.slice(i, i + n));
  return sets;
}

/** Sets of `n` ids whose calls all started within one hour (the densest hours of the data). */
export function clusteredSets(records: CallRecordDto[], n: number): string[][] {
  const timed = records
    .map((r) => ({ id: String(r.call_id), t: epochOf(r) }))
    .filter((x): x is { id: string; t: number } => x.t !== null)
    .sort((a, b) => a.t - b.t);
  const sets: string[][] = [];
  for (let i = 0; i + n <= timed.length; i++) {
    if (timed[i + n - 1]!.t - timed[i]!.t <= 3600) {
      sets.push(timed.slice(i, i + n).map((x) => x.id));
      i += 4; // overlapping windows, shifted by 5 calls
    }
  }
  if (sets.length === 0) throw new Error(`no hour holds ${n} calls: generate more records`);
  return sets;
}

/** Sets of `n` ids spread evenly over the whole month of data. */
export function spreadSets(records: CallRecordDto[], n: number): string[][] {
  const stride = Math.floor(records.length / n);
  return Array.from({ length: stride }, (_, offset) =>
    Array.from({ length: n }, (_, k) => String(records[offset + k * stride]!.call_id)),
  );
}

/**
 * Preloaded into the gateway by `npm run bench:latency` (`--import ./bench/latency-marks.ts`): records, on the
 * monotonic clock every process on the machine shares, when each request arrives and is answered (Node's
 * `http.server` channels) and when each upstream request is created, sent, answered and read (undici's
 * channels), and writes them to LATENCY_MARKS_FILE when the process exits. No code of the gateway is touched.
 * Plain erasable TypeScript with no imports of the project, so Node preloads it as is.
 */
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const marks: Array<[string, number]> = [];
const now = () => Number(process.hrtime.bigint()) / 1e6;
const channels: Array<[string, string]> = [
  ['http.server.request.start', 'arrived'],
  ['undici:request:create', 'upstream created'],
  ['undici:client:sendHeaders', 'upstream sent'],
  ['undici:request:headers', 'upstream headers'],
  ['undici:request:trailers', 'upstream body read'],
  ['http.server.response.finish', 'answered'],
];
for (const [channel, name] of channels) dc.subscribe(channel, () => marks.push([name, now()]));
process.on('exit', () => writeFileSync(process.env.LATENCY_MARKS_FILE ?? `/tmp/latency-marks-${process.pid}.json`, JSON.stringify(marks)));

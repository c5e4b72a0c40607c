/*
 * What a `call_id` says about its call. Most ids are `<epoch>.<seq>`, where the epoch is the call's start in UTC
 * seconds; Smartflo also sends host-prefixed ids (`h3.08-<epoch>.<seq>`). UUIDs and anything else carry no time.
 */
const EPOCH_ID = /^(?:[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*-)?(\d{10})\.\d{1,20}$/;

/** 2001-09-09: older epochs are not call start times. */
const MIN_EPOCH = 1_000_000_000;

/** The start (UTC epoch seconds) a call id carries, or null when its form carries none. */
export function callIdEpoch(callId: string): number | null {
  const m = EPOCH_ID.exec(callId);
  if (!m) return null;
  const epoch = Number(m[1]);
  return epoch >= MIN_EPOCH ? epoch : null;
}

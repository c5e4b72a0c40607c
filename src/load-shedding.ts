import type { RequestHandler } from 'express';
import { ErrorCode } from './upstream/errors.js';

/**
 * Answers at once with 503 when `max` requests are already in flight, rather than queueing without bound.
 * Mounted on /graphql only: /healthz and /readyz keep answering under load.
 */
export function createLoadShedding(max: number, onShed?: () => void): RequestHandler {
  let inFlight = 0;
  return (_req, res, next) => {
    if (inFlight >= max) {
      onShed?.();
      res
        .status(503)
        .set('retry-after', '1')
        .json({ errors: [{ message: 'The gateway is busy; retry shortly.', extensions: { code: ErrorCode.SERVICE_OVERLOADED } }] });
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    next();
  };
}

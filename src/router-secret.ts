import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Header the router sends the shared secret in (the name Apollo's subgraph template uses). */
export const ROUTER_SECRET_HEADER = 'router-authorization';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Rejects requests that do not carry the router's shared secret (ROUTER_SECRET), so the subgraph answers only
 * through the router. Digests are compared in constant time; neither the secret nor what was sent is ever echoed.
 */
export function requireRouterSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, res, next) => {
    const sent = req.headers[ROUTER_SECRET_HEADER];
    if (typeof sent === 'string' && timingSafeEqual(digest(sent), expected)) {
      next();
      return;
    }
    res.status(401).json({
      errors: [{ message: 'This subgraph only answers requests from the router.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  };
}

/**
 * Login tokens shaped like the upstream's (PHP tymon/jwt-auth): `base64url(header).base64url(payload).signature`,
 * HS256 with a per-simulator random secret, claims iss/iat/exp/nbf/jti/sub/prv.
 * Expiry is tracked server-side to the millisecond so short test lifetimes (1 s) are exact.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedToken<A> {
  account: A;
  jti: string;
  expiresAtMs: number;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TokenIssuer<A> {
  private readonly secret = randomBytes(32);
  private readonly issued = new Map<string, IssuedToken<A>>();
  private readonly revoked = new Set<string>();

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }

  issue(account: A, subject: string, ttlSeconds: number, issuer: string): { token: string; expiresIn: number } {
    const nowMs = Date.now();
    const iat = Math.floor(nowMs / 1000);
    const jti = randomBytes(12).toString('base64url').slice(0, 16);
    const payload = {
      iss: issuer,
      iat,
      exp: iat + ttlSeconds,
      nbf: iat,
      jti,
      sub: subject,
      prv: createHash('sha1').update(`account:${subject}`).digest('hex'),
    };
    const head = `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}`;
    this.issued.set(jti, { account, jti, expiresAtMs: nowMs + ttlSeconds * 1000 });
    return { token: `${head}.${this.sign(head)}`, expiresIn: ttlSeconds };
  }

  /** The token's record if it is one of ours, correctly signed and not revoked (expired or not). */
  lookup(token: string): (IssuedToken<A> & { expired: boolean }) | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let jti: unknown;
    try {
      jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    } catch {
      return undefined;
    }
    if (typeof jti !== 'string' || this.revoked.has(jti)) return undefined;
    const found = this.issued.get(jti);
    if (!found) return undefined;
    return { ...found, expired: Date.now() >= found.expiresAtMs };
  }

  /** Ends the lifetime of every token issued so far, as if it had run out now. */
  expireAll(nowMs = Date.now()): void {
    for (const token of this.issued.values()) token.expiresAtMs = Math.min(token.expiresAtMs, nowMs);
  }

  revoke(jti: string): void {
    this.revoked.add(jti);
  }
}

import { HTTPError, type KyInstance } from 'ky';
import { z } from 'zod';
import type { LoginField } from '../config.js';
import type { Logger } from '../logger.js';
import { credentialId, type Credential } from './auth.js';
import { LoginRefusedError, UpstreamShapeError } from './errors.js';

export interface LoginCredentialOptions {
  /** The one upstream ky instance (POSTs are never retried by it). */
  http: KyInstance;
  loginId: string;
  password: string;
  loginField: LoginField;
  logger?: Logger;
  /** Injected in unit tests; defaults to Date.now. */
  now?: () => number;
  /** Renew a token this long before it expires (capped at half its lifetime); default 60 s. */
  renewBeforeMs?: number;
  /**
   * After the upstream refused the login, fail fast for this long instead of asking again: repeated bad logins
   * can lock the account (the upstream counts them). Default 30 s.
   */
  refusedBackoffMs?: number;
}

/** `{success, access_token, token_type, expires_in}` from `/v1/auth/login` and `/v1/auth/refresh`. */
const TokenResponse = z.object({
  success: z.boolean().optional(),
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
});

/** Documented lifetime of a login token, used when a response omits `expires_in`. */
const DEFAULT_LIFETIME_MS = 3_600_000;
const REFUSED_STATUSES = new Set([400, 401, 403, 422]);

interface Session {
  token: string;
  /** From here on, the next caller renews the token (single flight) before using it. */
  renewAt: number;
}

const statusOf = (error: unknown): number | undefined =>
  error instanceof HTTPError ? error.response.status : error instanceof LoginRefusedError ? error.upstreamStatus : undefined;

/**
 * ACEFONE_LOGIN_ID + ACEFONE_PASSWORD: `POST /v1/auth/login` for a short-lived token, renewed before `expires_in`
 * runs out through `POST /v1/auth/refresh`, falling back to a fresh login when the refresh fails. Renewals are
 * single flight: however many requests need a token at once, one renewal goes upstream and all of them wait for it.
 */
export function createLoginCredential(options: LoginCredentialOptions): Credential {
  const { http, loginField } = options;
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const refusedBackoffMs = options.refusedBackoffMs ?? 30_000;
  // Identity of the account, not of one token: it stays the same across renewals.
  const id = credentialId('login', `${loginField}:${options.loginId}`);
  const log = options.logger?.child({ credential: id });

  let session: Session | undefined;
  let renewing: Promise<Session> | undefined;
  let refused: { until: number; error: LoginRefusedError } | undefined;

  const exchange = async (path: string, init: { json?: unknown; headers?: Record<string, string> }): Promise<Session> => {
    // Lifetime counts from before the request left, so the gateway never believes a token fresher than it is.
    const sentAt = now();
    const body = await http.post(path, init).json<unknown>();
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      const success = typeof body === 'object' && body !== null ? (body as { success?: unknown }).success : undefined;
      if (success === false) throw new LoginRefusedError(200);
      throw new UpstreamShapeError('token response');
    }
    if (parsed.data.success === false) throw new LoginRefusedError(200);
    const lifetimeMs = parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    return { token: parsed.data.access_token, renewAt: sentAt + lifetimeMs - Math.min(renewBeforeMs, lifetimeMs / 2) };
  };

  const login = async (): Promise<Session> => {
    if (refused && now() < refused.until) throw refused.error;
    try {
      const next = await exchange('v1/auth/login', { json: { [loginField]: options.loginId, password: options.password } });
      refused = undefined;
      log?.info('logged in to the call-records API');
      return next;
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && (error instanceof LoginRefusedError || REFUSED_STATUSES.has(status))) {
        const refusal = new LoginRefusedError(status);
        refused = { until: now() + refusedBackoffMs, error: refusal };
        log?.error(
          { upstreamStatus: status },
          'the call-records API refused the login: check ACEFONE_LOGIN_ID, ACEFONE_PASSWORD and ACEFONE_LOGIN_FIELD',
        );
        throw refusal;
      }
      log?.warn({ upstreamStatus: status, errorName: (error as Error).name }, 'login to the call-records API failed');
      throw error;
    }
  };

  const renew = (stale: Session | undefined): Promise<Session> => {
    if (renewing) return renewing;
    const run = async (): Promise<Session> => {
      if (stale) {
        try {
          session = await exchange('v1/auth/refresh', { headers: { authorization: `Bearer ${stale.token}` } });
          log?.info('refreshed the call-records API token');
          return session;
        } catch (error) {
          // Whether the upstream refreshes an expired token is unknown; a fresh login always works.
          session = undefined;
          log?.warn({ upstreamStatus: statusOf(error), errorName: (error as Error).name }, 'token refresh failed; logging in again');
        }
      }
      session = await login();
      return session;
    };
    const current = run();
    renewing = current;
    const settle = () => {
      if (renewing === current) renewing = undefined;
    };
    current.then(settle, settle);
    return current;
  };

  return {
    id,
    async token() {
      const current = session;
      if (current && now() < current.renewAt) return current.token;
      return (await renew(current)).token;
    },
    async refresh(rejectedToken) {
      if (renewing) await renewing;
      // Another request already replaced the rejected token.
      else if (session?.token !== rejectedToken) return true;
      else await renew(session);
      return true;
    },
  };
}

import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';

const SECRET = 's3cr3t-value';

/** The one-line boot error for an environment (fails the test if the environment is accepted). */
function bootError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('credential mode selection', () => {
  it('picks demo mode when no credential is configured', () => {
    const config = loadConfig({});
    expect(config.upstream.auth).toEqual({ mode: 'demo' });
    expect(config.demo).toBe(true);
  });

  it('picks the static, login or forwarded mode from its variables', () => {
    expect(loadConfig({ ACEFONE_API_TOKEN: SECRET }).upstream.auth).toEqual({ mode: 'static', token: SECRET });
    expect(loadConfig({ ACEFONE_LOGIN_ID: 'ops@example.com', ACEFONE_PASSWORD: SECRET }).upstream.auth).toEqual({
      mode: 'login',
      loginId: 'ops@example.com',
      password: SECRET,
      loginField: 'email',
    });
    expect(
      loadConfig({ ACEFONE_LOGIN_ID: 'ops', ACEFONE_PASSWORD: SECRET, ACEFONE_LOGIN_FIELD: 'login_id' }).upstream.auth,
    ).toMatchObject({ mode: 'login', loginField: 'login_id' });
    const forwarded = loadConfig({ ACEFONE_FORWARD_AUTH: 'true' });
    expect(forwarded.upstream.auth).toEqual({ mode: 'forwarded' });
    // Not demo: production-safe defaults apply.
    expect(forwarded.graphql.introspection).toBe(false);
  });

  it.each([
    [{ ACEFONE_API_TOKEN: SECRET, ACEFONE_FORWARD_AUTH: 'true' }, /ACEFONE_API_TOKEN, ACEFONE_FORWARD_AUTH/],
    [{ ACEFONE_API_TOKEN: SECRET, ACEFONE_LOGIN_ID: 'ops', ACEFONE_PASSWORD: SECRET }, /ACEFONE_API_TOKEN, ACEFONE_LOGIN_ID/],
    [{ ACEFONE_FORWARD_AUTH: 'yes', ACEFONE_PASSWORD: SECRET }, /ACEFONE_LOGIN_ID\/ACEFONE_PASSWORD, ACEFONE_FORWARD_AUTH/],
    [{ ACEFONE_LOGIN_ID: 'ops' }, /ACEFONE_LOGIN_ID and ACEFONE_PASSWORD must be set together/],
    [{ ACEFONE_PASSWORD: SECRET }, /ACEFONE_LOGIN_ID and ACEFONE_PASSWORD must be set together/],
    [{ ACEFONE_LOGIN_ID: 'ops', ACEFONE_PASSWORD: SECRET, ACEFONE_LOGIN_FIELD: 'username' }, /ACEFONE_LOGIN_FIELD/],
    [{ ACEFONE_FORWARD_AUTH: 'maybe' }, /ACEFONE_FORWARD_AUTH/],
  ])('stops the boot with one line naming the variables, never their values: %j', (env, expected) => {
    const message = bootError(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('\n');
  });

  it('treats ACEFONE_FORWARD_AUTH=false as not set', () => {
    expect(loadConfig({ ACEFONE_FORWARD_AUTH: 'false', ACEFONE_API_TOKEN: SECRET }).upstream.auth.mode).toBe('static');
  });
});

import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('starts in demo mode with Sandbox on when no credential is configured', () => {
    const config = loadConfig({});
    expect(config.demo).toBe(true);
    expect(config.graphql.introspection).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.upstream).toMatchObject({ baseUrl: 'https://api.acefone.in', timeZone: 'Asia/Kolkata', pageSize: 100 });
  });

  it('is production-safe with a real credential whether or not NODE_ENV is set', () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'staging' }]) {
      const config = loadConfig({ ACEFONE_API_TOKEN: 't', ...env });
      expect(config.demo).toBe(false);
      expect(config.graphql.introspection).toBe(false);
    }
    expect(loadConfig({ ACEFONE_API_TOKEN: 't', NODE_ENV: 'development' }).graphql.introspection).toBe(true);
    expect(loadConfig({ ACEFONE_API_TOKEN: 't', GRAPHQL_INTROSPECTION: 'true' }).graphql.introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).graphql.introspection).toBe(false);
  });

  it('treats empty values as unset and trims a trailing slash off the base URL', () => {
    const config = loadConfig({ ACEFONE_API_TOKEN: '', PORT: '', ACEFONE_BASE_URL: 'https://api.servetel.in/' });
    expect(config.demo).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.upstream.baseUrl).toBe('https://api.servetel.in');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ACEFONE_TIMEZONE: 'Mars/Olympus' }, 'ACEFONE_TIMEZONE'],
    [{ ACEFONE_BASE_URL: 'ftp://example.com' }, 'ACEFONE_BASE_URL'],
    [{ ACEFONE_BASE_URL: 'https://proxy.example/acefone?key=1' }, 'ACEFONE_BASE_URL'],
    [{ ACEFONE_PAGE_SIZE: '0' }, 'ACEFONE_PAGE_SIZE'],
    [{ GRAPHQL_INTROSPECTION: 'maybe' }, 'GRAPHQL_INTROSPECTION'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j with one line naming %s', (env, variable) => {
    let message = '';
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message.startsWith(`Invalid configuration: ${variable} `)).toBe(true);
    expect(message).not.toContain('\n');
    for (const value of Object.values(env)) expect(message).not.toContain(value);
  });
});

import type { KyInstance } from 'ky';
import type { UpstreamAuth } from '../config.js';
import type { Logger } from '../logger.js';
import { forwardedCredentials, staticCredential, type CredentialSource } from './auth.js';
import { createLoginCredential } from './login.js';

/**
 * The credential source of the configured mode. Demo mode has no credential of its own: boot starts the simulator
 * and passes its token as `{ mode: 'static' }`.
 */
export function createCredentialSource(
  auth: Exclude<UpstreamAuth, { mode: 'demo' }>,
  deps: { http: KyInstance; logger?: Logger; now?: () => number },
): CredentialSource {
  switch (auth.mode) {
    case 'static': {
      const credential = staticCredential(auth.token);
      return () => credential;
    }
    case 'login': {
      const credential = createLoginCredential({ ...auth, ...deps });
      return () => credential;
    }
    case 'forwarded':
      return forwardedCredentials();
  }
}

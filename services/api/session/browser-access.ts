import { parsePublicUrl, PublicUrl } from '../../../shared/config';
import type { Runtime } from '../../../shared/runtime/runtime';
import { SessionStore } from './session-store';

/** What browser sign-in needs of a runtime: its session store and the public URL. */
export interface BrowserAccess {
  sessions: SessionStore;
  publicUrl: PublicUrl | undefined;
}

const built = new WeakMap<Runtime, BrowserAccess>();

/** One per runtime, built on first use (auth schemes and routes see only the runtime). */
export function browserAccessOf(runtime: Runtime): BrowserAccess {
  let access = built.get(runtime);
  if (!access) {
    const { config } = runtime;
    access = {
      publicUrl: config.BACKUP_PUBLIC_URL ? parsePublicUrl(config.BACKUP_PUBLIC_URL) : undefined,
      sessions: new SessionStore({
        redis: runtime.redis,
        prefix: config.BACKUP_QUEUE_PREFIX,
        ttlMs: config.BACKUP_SESSION_TTL_HOURS * 3_600_000,
        adminKey: () => config.BACKUP_ADMIN_API_KEY,
      }),
    };
    built.set(runtime, access);
  }
  return access;
}

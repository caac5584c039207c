import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../../../shared/errors';
import { sessionBinding } from './key-fingerprint';

/** What the API knows about a browser session; `id` is public (audit log), the token is not. */
export interface Session {
  id: string;
  createdAt: string;
  expiresAt: string;
  clientAddress: string;
}

interface StoredSession extends Session {
  binding: string;
}

export interface SessionStoreOptions {
  redis: Redis;
  prefix: string;
  ttlMs: number;
  /** The admin key now: a session signed in with another key is dead. */
  adminKey: () => string;
}

/**
 * Browser sessions in Redis, expiring on their own. Only a hash of the cookie's token
 * is stored, and the record holds an HMAC of the token under the admin key, so
 * changing BACKUP_ADMIN_API_KEY ends every session without visiting them.
 */
export class SessionStore {
  constructor(private readonly options: SessionStoreOptions) {}

  /** Redis being away is a 503 the client may retry, not an internal error. */
  private async redis<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.options.redis);
    } catch (err) {
      throw new AppError(ErrorCode.QueueUnavailable, 'Sessions are not available right now (Redis is not reachable); try again', {
        retryable: true,
        cause: err,
      });
    }
  }

  private key(token: string): string {
    return `${this.options.prefix}:session:${createHash('sha256').update(token).digest('hex')}`;
  }

  async create(clientAddress: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: Session = {
      id: randomBytes(6).toString('hex'),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.ttlMs).toISOString(),
      clientAddress,
    };
    const stored: StoredSession = { ...session, binding: sessionBinding(this.options.adminKey(), token).toString('hex') };
    await this.redis((r) => r.set(this.key(token), JSON.stringify(stored), 'PX', Math.max(1, Math.round(this.options.ttlMs))));
    return { token, session };
  }

  /** The live session of a token, or null (unknown, expired, signed out, or signed in with an older admin key). */
  async find(token: string): Promise<Session | null> {
    const raw = await this.redis((r) => r.get(this.key(token)));
    if (!raw) return null;
    const { binding, ...session } = JSON.parse(raw) as StoredSession;
    const expected = sessionBinding(this.options.adminKey(), token);
    const given = Buffer.from(binding, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await this.destroy(token);
      return null;
    }
    return session;
  }

  async destroy(token: string): Promise<void> {
    await this.redis((r) => r.del(this.key(token)));
  }
}

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { BackupType } from '../domain/types';
import { AppError, ErrorCode, errorMessage } from '../errors';
import { createLogger } from '../logging';
import { parsePostgresUrl } from '../config/postgres-url';

const logger = createLogger('Worker');

// Only the holder (same token) may extend or delete a lock.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** The lock resource of a database: one per server and database, whatever the user or options. */
export function databaseLockResource(databaseUrl: string): string {
  const conn = parsePostgresUrl(databaseUrl);
  return `db:${conn.host.toLowerCase()}:${conn.port}/${conn.database}`;
}

export function sourceLockResource(path: string): string {
  return `source:${resolve(path)}`;
}

/**
 * What a backup of `type` must hold exclusively: the database of DATABASE_URL (or,
 * in docker mode without it, the container's), or the source directory. Restores
 * of the same database take the same resource. Null when DATABASE_URL cannot be
 * read (the job then fails with the real reason).
 */
export function backupLockResource(
  config: Pick<Config, 'DATABASE_URL' | 'KANBU_SOURCE_PATH' | 'POSTGRES_CONTAINER' | 'POSTGRES_CONTAINER_PATTERN'>,
  type: BackupType,
): string | null {
  if (type === 'source') return sourceLockResource(config.KANBU_SOURCE_PATH);
  if (!config.DATABASE_URL) return `db:docker:${config.POSTGRES_CONTAINER ?? `~${config.POSTGRES_CONTAINER_PATTERN}`}`;
  try {
    return databaseLockResource(config.DATABASE_URL);
  } catch {
    return null;
  }
}

/** A lock this process holds. It renews itself until released; `signal` aborts if it is lost. */
export class HeldLock {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private lastRenewed = Date.now();
  private released = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly resource: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(250, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  /** Aborted when the lock expired or was taken over while held (e.g. Redis was away longer than the TTL). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async renew(): Promise<void> {
    if (this.released) return;
    try {
      const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
      if (renewed === 1) {
        this.lastRenewed = Date.now();
        return;
      }
      this.lost('it expired or was taken by another holder');
    } catch (err) {
      if (Date.now() - this.lastRenewed > this.ttlMs) this.lost(`it could not be renewed for longer than its TTL: ${errorMessage(err)}`);
    }
  }

  private lost(why: string): void {
    if (this.controller.signal.aborted) return;
    clearInterval(this.timer);
    logger.error(`Lost the lock on ${this.resource}: ${why}`);
    this.controller.abort(new Error(`Lost the lock on ${this.resource}`));
  }

  /** Deletes the lock if (and only if) this holder still owns it. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    try {
      await this.redis.eval(RELEASE, 1, this.key, this.token);
    } catch (err) {
      logger.warn(`Could not release the lock on ${this.resource} (it expires by itself): ${errorMessage(err)}`);
    }
  }
}

/**
 * Redis locks on named resources (SET NX PX with a random token). Keys live
 * under the queue prefix, so installations sharing a Redis never block each other.
 */
export class ResourceLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs: number,
  ) {}

  key(resource: string): string {
    return `${this.prefix}:lock:${resource}`;
  }

  /** Takes the lock now, or returns null when someone else holds it. */
  async tryAcquire(resource: string, ttlMs = this.ttlMs): Promise<HeldLock | null> {
    const token = randomBytes(16).toString('hex');
    const key = this.key(resource);
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? new HeldLock(this.redis, key, resource, token, ttlMs) : null;
  }

  /** Waits up to `timeoutMs` for the lock; for short critical sections, not for jobs (jobs are delayed instead). */
  async acquire(resource: string, timeoutMs: number, pollMs = 100): Promise<HeldLock> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lock = await this.tryAcquire(resource);
      if (lock) return lock;
      if (Date.now() >= deadline) {
        throw new AppError(ErrorCode.LockTimeout, `Timed out waiting for the lock on ${resource}`, { retryable: true });
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Runs `fn` holding the lock on `resource` (renewed meanwhile, released after),
   * or refuses at once with `busy()` when another holder has it: for commands an
   * operator runs by hand, which should say so rather than wait.
   */
  async runIfFree<T>(resource: string, busy: () => Error, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const lock = await this.tryAcquire(resource);
    if (!lock) throw busy();
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  async withLock<T>(resource: string, timeoutMs: number, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const lock = await this.acquire(resource, timeoutMs);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** Who holds a resource right now (the remaining TTL in ms), for status pages and tests. */
  async remainingMs(resource: string): Promise<number | null> {
    const ttl = await this.redis.pttl(this.key(resource));
    return ttl >= 0 ? ttl : null;
  }
}

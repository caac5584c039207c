import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../../errors';

export interface PendingRestore {
  backupId: string;
  targetDatabase?: string;
  targetPath?: string;
  replaceExisting?: boolean;
  keepPrevious: boolean;
}

/**
 * Single-use confirmation tokens for the two-step restore. Only a hash of the
 * token is stored (Redis is not a secret store); confirming deletes it
 * atomically (GETDEL), so a token works once, and it expires on its own.
 */
export class RestoreConfirmations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(token: string): string {
    return `${this.prefix}:restore-confirmation:${createHash('sha256').update(token).digest('hex')}`;
  }

  async issue(pending: PendingRestore): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('base64url');
    await this.redis.set(this.key(token), JSON.stringify(pending), 'EX', this.ttlSeconds);
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** The pending restore the token was issued for; refuses unknown, used, expired and mismatched tokens. */
  async redeem(token: string, backupId: string): Promise<PendingRestore> {
    const raw = await this.redis.getdel(this.key(token));
    if (!raw) {
      throw new AppError(
        ErrorCode.RestoreTokenInvalid,
        'The confirmation token is invalid, expired or already used; request a new one with POST /api/backups/:id/restore',
      );
    }
    const pending = JSON.parse(raw) as PendingRestore;
    if (pending.backupId !== backupId) {
      throw new AppError(ErrorCode.RestoreTokenInvalid, 'The confirmation token was issued for another backup');
    }
    return pending;
  }
}

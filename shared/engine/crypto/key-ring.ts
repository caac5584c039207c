import { AppError, ErrorCode } from '../../errors';
import { EncryptionKey, parseEncryptionKey } from './encryption-key';

/** The current key (encrypts new backups) and older ones (still decrypt old backups). */
export class KeyRing {
  private readonly byId = new Map<string, EncryptionKey>();

  constructor(
    readonly current: EncryptionKey | undefined,
    readonly previous: readonly EncryptionKey[] = [],
  ) {
    for (const key of [...previous, ...(current ? [current] : [])]) this.byId.set(key.id, key);
  }

  static fromConfig(currentKey: string | undefined, oldKeys: string | undefined = undefined): KeyRing {
    const previous = (oldKeys ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map(parseEncryptionKey);
    return new KeyRing(currentKey ? parseEncryptionKey(currentKey) : undefined, previous);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): EncryptionKey[] {
    return [...this.byId.values()];
  }

  /** The key a v2 file names, or a clear error saying which key is missing. */
  find(id: string): EncryptionKey {
    if (this.byId.size === 0) {
      throw new AppError(ErrorCode.EncryptionKeyMissing, 'Encryption key not set: this backup is encrypted; set BACKUP_ENCRYPTION_KEY');
    }
    const key = this.byId.get(id);
    if (!key) {
      const known = [...this.byId.keys()].join(', ');
      throw new AppError(
        ErrorCode.WrongEncryptionKey,
        `Wrong key: this backup was encrypted with key ${id}, which is not configured (configured: ${known}); add it to BACKUP_ENCRYPTION_OLD_KEYS`,
      );
    }
    return key;
  }
}

import type { Readable } from 'node:stream';
import type { BackupType } from '../../domain/types';

export interface OpenedSource {
  /** The raw, uncompressed bytes (SQL text or tar). Errors if the producer fails. */
  stream: Readable;
  /** Best guess of the total size, for progress; undefined when unknown. */
  estimatedBytes?: number;
  /** Facts worth recording with the backup (server version, mode, …). */
  facts: Record<string, unknown>;
}

/** Something that can produce the bytes of a backup: pg_dump (direct or docker), tar of a directory. */
export interface BackupSource {
  readonly type: BackupType;
  /** File extension of the raw format before compression, e.g. `sql` or `tar`. */
  readonly extension: string;
  open(): Promise<OpenedSource>;
}

import type { Readable, Writable } from 'node:stream';

export interface StoredObject {
  name: string;
  sizeBytes: number;
  modifiedAt: Date;
  /** SHA-256 recorded with the object at commit, where the backend keeps metadata (S3). */
  sha256?: string;
}

export interface StorageUsage {
  usedBytes: number;
  /** Undefined where the backend cannot know (object storage). */
  freeBytes?: number;
  totalBytes?: number;
  objectCount: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP ranges. */
  end?: number;
}

export interface CommitMetadata {
  /** SHA-256 of the compressed bytes, stored alongside where the backend supports metadata. */
  sha256: string;
}

/**
 * An in-progress write. Bytes go to `stream`; nothing is visible under the final
 * name until `commit` succeeds; `abort` removes every trace of the attempt.
 */
export interface StorageWriter {
  readonly stream: Writable;
  commit(metadata: CommitMetadata): Promise<{ sizeBytes: number }>;
  abort(reason?: unknown): Promise<void>;
}

/** One place backups are kept: a local directory, a mounted Google Drive, an S3 bucket. */
export interface StorageBackend {
  /** The configured target name (`local`, `gdrive`, `s3`, …) as recorded in `backup_copy.target`. */
  readonly name: string;
  /** Human-readable location for messages, e.g. `/data/backups` or `s3://bucket/prefix`. */
  readonly location: string;
  createWriter(name: string): Promise<StorageWriter>;
  openRead(name: string, range?: ByteRange): Promise<Readable>;
  /** Null when the object does not exist. */
  stat(name: string): Promise<StoredObject | null>;
  list(): Promise<StoredObject[]>;
  delete(name: string): Promise<void>;
  /**
   * Atomically puts the object `from` in place of `to` (which may exist) and
   * removes `from`; readers see either the old or the new object, never a mix.
   * The object keeps its metadata (S3: the `sha256`, with the target's
   * encryption and storage class). Throws only when `to` was not replaced.
   * Used by key rotation.
   */
  replace(from: string, to: string): Promise<void>;
  /**
   * Makes `to`, a name not in use, hold the same bytes and metadata as `from`,
   * as cheaply as the backend can (a hard link, a server-side copy). Key
   * rotation keeps each original this way until every copy is replaced, so
   * that it can put them back.
   */
  duplicate(from: string, to: string): Promise<void>;
  usage(): Promise<StorageUsage>;
  /** Bytes free for new objects, where the backend can tell (a filesystem: statfs); null where it cannot (object storage). */
  freeBytes(): Promise<number | null>;
  /** Throws a clear error, naming the target and where it is, when the target is unreachable or not writable. */
  check(): Promise<void>;
  /** Where an operator finds the object, e.g. an absolute path; used in messages and the demo. */
  describe(name: string): string;
  /**
   * Removes what interrupted writes left behind before `olderThan` (temporary
   * files, unfinished multipart uploads); returns how many were removed. With
   * `name`, only the traces of writes of that object, whatever their age: for a
   * write whose writer is known to be dead.
   */
  removeStaleWrites(olderThan: Date, name?: string): Promise<number>;
}

import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError, ErrorCode, errorMessage } from '../../errors';
import { drained } from '../../util/drained';
import type { CommitMetadata, StorageBackend, StorageWriter } from './storage-backend';

/**
 * What became of one target's copy: `committed`; `failed` on its own (its
 * `error`); `aborted` because the backup as a whole failed; `rolled_back` when
 * it was complete but removed again because the backup failed.
 */
/** `stranded`: complete and committed, but the write as a whole failed and it could not be removed. */
export type CopyState = 'writing' | 'committed' | 'failed' | 'aborted' | 'rolled_back' | 'stranded';

export interface CopyOutcome {
  target: string;
  primary: boolean;
  state: CopyState;
  sizeBytes?: number;
  error?: string;
}

export interface ReplicatedWriteOptions {
  /** BACKUP_REQUIRE_ALL_COPIES: any failed copy fails the whole write. */
  requireAll: boolean;
  /** Told when a copy drops out, e.g. to log it. */
  onCopyFailed?: (target: string, error: Error) => void;
  /** Told when the data is complete and the copies are being committed. */
  onCommitting?: () => void;
}

interface Branch {
  target: string;
  primary: boolean;
  writer?: StorageWriter;
  /** Deletes the committed object (rollback). */
  remove: () => Promise<void>;
  state: CopyState;
  error?: Error;
  sizeBytes?: number;
  /** The abort or rollback of this branch, once started. */
  cleanup: Promise<unknown>;
}

function requireAllError(target: string, cause: unknown): AppError {
  return new AppError(ErrorCode.StorageUnavailable, `The copy to ${target} failed and BACKUP_REQUIRE_ALL_COPIES is on: ${errorMessage(cause)}`, {
    retryable: true,
    cause,
  });
}

/**
 * Writes one stream to several targets at once (the dump runs once). Each chunk
 * goes to every live copy and the next is taken when all of them took it, so
 * memory stays bounded. A replica that fails is dropped and aborted while the
 * others go on; the primary failing (or any copy, with `requireAll`) fails the
 * write. Commit commits every live copy; if the write as a whole fails, copies
 * that were complete are removed again, so a failed backup leaves no final file.
 */
export class ReplicatedWriter implements StorageWriter {
  readonly stream: Writable;
  private readonly branches: Branch[];
  private bytes = 0;
  private fail!: (err: Error) => void;
  /** Rejects on the first fatal error, so a write waiting for a slow replica stops at once. */
  private readonly fatal: Promise<never>;

  constructor(
    branches: Omit<Branch, 'state' | 'cleanup'>[],
    private readonly options: ReplicatedWriteOptions,
  ) {
    if (branches.filter((b) => b.primary).length !== 1) throw new Error('A replicated write needs exactly one primary copy');
    this.branches = branches.map((b) => ({ ...b, state: b.writer ? 'writing' : 'failed', cleanup: Promise.resolve() }));
    this.fatal = new Promise<never>((_, reject) => (this.fail = reject));
    this.fatal.catch(() => undefined);
    for (const branch of this.live()) branch.writer!.stream.on('error', (err) => this.drop(branch, err));
    this.stream = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.writeAll(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.endAll().then(() => callback(), callback);
      },
    });
  }

  outcomes(): CopyOutcome[] {
    return this.branches.map((b) => ({
      target: b.target,
      primary: b.primary,
      state: b.state,
      ...(b.sizeBytes !== undefined ? { sizeBytes: b.sizeBytes } : {}),
      ...(b.error ? { error: errorMessage(b.error) } : {}),
    }));
  }

  async commit(metadata: CommitMetadata): Promise<{ sizeBytes: number }> {
    this.options.onCommitting?.();
    const live = this.live();
    const results = await Promise.allSettled(live.map((b) => b.writer!.commit(metadata)));
    live.forEach((branch, i) => {
      const result = results[i];
      if (result.status === 'rejected') return this.drop(branch, result.reason);
      if (result.value.sizeBytes !== this.bytes) {
        branch.state = 'failed';
        branch.error = new AppError(ErrorCode.StorageUnavailable, `stored ${result.value.sizeBytes} bytes, but ${this.bytes} were written`);
        branch.cleanup = branch.remove().catch(() => undefined);
        return;
      }
      branch.state = 'committed';
      branch.sizeBytes = result.value.sizeBytes;
    });
    await Promise.all(this.branches.map((b) => b.cleanup));
    const primary = this.branches.find((b) => b.primary)!;
    const firstFailed = this.branches.find((b) => b.state === 'failed');
    const error =
      primary.state !== 'committed'
        ? primary.error
        : this.options.requireAll && firstFailed
          ? requireAllError(firstFailed.target, firstFailed.error)
          : undefined;
    if (error) {
      await this.rollBack();
      throw error;
    }
    return { sizeBytes: primary.sizeBytes! };
  }

  async abort(reason?: unknown): Promise<void> {
    for (const branch of this.live()) {
      branch.state = 'aborted';
      branch.cleanup = branch.writer!.abort(reason).catch(() => undefined);
    }
    await Promise.all(this.branches.map((b) => b.cleanup));
  }

  private live(): Branch[] {
    return this.branches.filter((b) => b.state === 'writing');
  }

  private async writeAll(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    const waits = this.live().map((branch) => {
      const stream = branch.writer!.stream;
      if (stream.destroyed) return Promise.resolve(this.drop(branch, stream.errored ?? new Error('the stream was closed')));
      return stream.write(chunk) ? Promise.resolve() : drained(stream).catch((err) => this.drop(branch, err));
    });
    await Promise.race([Promise.all(waits), this.fatal]);
  }

  private async endAll(): Promise<void> {
    const ends = this.live().map((branch) => {
      const stream = branch.writer!.stream;
      stream.end();
      return finished(stream, { readable: false }).catch((err) => this.drop(branch, err));
    });
    await Promise.race([Promise.all(ends), this.fatal]);
  }

  /** Takes a failed copy out of the tee and aborts it; fails the whole write if that copy was required. */
  private drop(branch: Branch, err: unknown): void {
    if (branch.state !== 'writing') return;
    const error = err instanceof Error ? err : new Error(String(err));
    branch.state = 'failed';
    branch.error = error;
    branch.cleanup = branch.writer!.abort(error).catch(() => undefined);
    this.options.onCopyFailed?.(branch.target, error);
    if (branch.primary) this.fail(error);
    else if (this.options.requireAll) this.fail(requireAllError(branch.target, error));
  }

  private async rollBack(): Promise<void> {
    await Promise.all(
      this.branches
        .filter((b) => b.state === 'committed')
        .map(async (b) => {
          try {
            await b.remove();
            b.state = 'rolled_back';
          } catch (err) {
            b.state = 'stranded';
            b.error = new Error(`the backup failed, but this complete copy could not be removed: ${errorMessage(err)}`);
          }
        }),
    );
  }
}

/**
 * Opens a writer on every target for `name` and joins them. A target whose
 * writer cannot even be opened is a failed copy from the start; if that is the
 * primary (or any target, with `requireAll`) nothing is written at all.
 */
export async function openReplicatedWriter(targets: readonly StorageBackend[], name: string, options: ReplicatedWriteOptions): Promise<ReplicatedWriter> {
  const opened = await Promise.allSettled(targets.map((t) => t.createWriter(name)));
  const branches = targets.map((target, i): Omit<Branch, 'state' | 'cleanup'> => {
    const result = opened[i];
    const base = { target: target.name, primary: i === 0, remove: () => target.delete(name) };
    if (result.status === 'fulfilled') return { ...base, writer: result.value };
    return { ...base, error: result.reason instanceof Error ? result.reason : new Error(String(result.reason)) };
  });
  const unopened = branches.filter((b) => !b.writer);
  const fatal = unopened.find((b) => b.primary) ?? (options.requireAll ? unopened[0] : undefined);
  if (fatal) {
    await Promise.allSettled(branches.flatMap((b) => (b.writer ? [b.writer.abort(fatal.error)] : [])));
    throw fatal.primary ? fatal.error : requireAllError(fatal.target, fatal.error);
  }
  for (const b of unopened) options.onCopyFailed?.(b.target, b.error!);
  return new ReplicatedWriter(branches, options);
}

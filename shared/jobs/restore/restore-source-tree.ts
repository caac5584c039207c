import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import type { Logger } from '../../logging';
import type { ProgressReporter } from '../../domain/job-progress';
import { tarExtractSink } from '../../engine/apply/tar-extract.sink';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { decodeBackup } from '../../engine/decode-pipeline';
import { fileTimestamp } from '../../engine/backup-naming';
import type { RestoreInput } from './restore-input';

export interface RestoreSourceTreeRequest {
  from: RestoreInput;
  /** Absolute directory to restore into. */
  targetPath: string;
  /** A non-empty target is moved aside (kept as `<path>.pre-restore-<ts>`) only when asked. */
  replaceExisting: boolean;
  keys: KeyRing;
  logger: Logger;
  onProgress: ProgressReporter;
  record: (facts: Record<string, unknown>) => Promise<void>;
  /** Aborted when the lock on the target is lost: nothing is then moved into place. */
  signal?: AbortSignal;
  now?: Date;
}

export interface RestoreSourceTreeResult {
  targetPath: string;
  /** Where the replaced directory was kept, when there was one. */
  previousPath: string | null;
  files: number;
}

async function entriesOf(path: string): Promise<string[] | null> {
  const s = await stat(path).catch(() => null);
  if (!s) return null;
  if (!s.isDirectory()) throw new AppError(ErrorCode.RestoreTargetExists, `${path} exists and is not a directory`);
  return readdir(path);
}

async function countFiles(path: string): Promise<number> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).length;
}

/**
 * Restores a source-code backup into a directory: the archive is extracted,
 * while its checksum is checked, next to the target (`<path>.restoring-<ts>`) and moved into
 * place only when complete — a failed restore leaves the target as it was. A
 * target that holds files (such as the running code) is replaced only when
 * `replaceExisting` is set; it is then kept as `<path>.pre-restore-<ts>`.
 */
export async function restoreSourceTree(request: RestoreSourceTreeRequest): Promise<RestoreSourceTreeResult> {
  if (!isAbsolute(request.targetPath)) throw new AppError(ErrorCode.ValidationFailed, 'targetPath must be an absolute path');
  const target = resolve(request.targetPath);
  if (target === dirname(target)) throw new AppError(ErrorCode.ValidationFailed, 'targetPath cannot be the root directory');
  const existing = await entriesOf(target);
  if (existing && existing.length > 0 && !request.replaceExisting) {
    throw new AppError(ErrorCode.RestoreTargetExists, `${target} is not empty; restore into an empty or new directory, or ask to replace it (replaceExisting)`);
  }
  const stamp = fileTimestamp(request.now ?? new Date());
  const report = (stage: string, from: number, to: number) => (fraction: number, bytes?: number, totalBytes?: number) =>
    request.onProgress({ stage, percent: Math.round(from + (to - from) * Math.min(1, fraction)), bytes, totalBytes });

  const staging = `${target}.restoring-${stamp}`;
  const removeStaging = () =>
    rm(staging, { recursive: true, force: true, maxRetries: 3 }).catch((rmErr) => request.logger.warn(`Could not remove ${staging}: ${rmErr.message}`));
  try {
    const extracting = report('extracting', 0, 95);
    // One pass: extracted while checked; a copy that fails its check leaves nothing behind and the next copy is tried.
    const read = await request.from.readInto(async (prepared) => {
      await mkdir(staging, { recursive: true, mode: 0o755 });
      try {
        return await decodeBackup(prepared.input, tarExtractSink(staging), {
          keys: request.keys,
          encrypted: prepared.encrypted,
          expectedSha256: prepared.expectedSha256,
          output: 'plain',
          onProgress: (p) => extracting((p.percent ?? 0) / 100, p.bytes, p.totalBytes),
          signal: request.signal,
        });
      } catch (err) {
        await removeStaging();
        throw err;
      }
    });
    await request.record(read.facts);
    request.signal?.throwIfAborted();
    let previousPath: string | null = null;
    if (existing && existing.length > 0) {
      previousPath = `${target}.pre-restore-${stamp}`;
      await rename(target, previousPath);
    } else if (existing) {
      await rmdir(target);
    }
    try {
      await rename(staging, target);
    } catch (err) {
      // Put the original back: a restore never leaves the target missing.
      if (previousPath) await rename(previousPath, target);
      else await mkdir(target).catch(() => undefined);
      throw err;
    }
    const files = await countFiles(target);
    await request.record({ targetPath: target, previousPath, files });
    request.onProgress({ stage: 'completed', percent: 100 });
    request.logger.info(
      `Restored ${request.from.label} into ${target} (${files} files)${previousPath ? `; the replaced directory is kept as ${previousPath}` : ''}`,
    );
    return { targetPath: target, previousPath, files };
  } catch (err) {
    await removeStaging();
    throw err;
  }
}

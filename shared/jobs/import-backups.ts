import { basename } from 'node:path';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { isUniqueViolation } from '../catalog/unique-violation';
import { parseBackupFileName } from '../engine/backup-naming';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../domain/job-progress';

export interface ImportDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  targets: StorageTargets;
  logger: Logger;
}

export interface ImportResult {
  target: string;
  added: { id: string; filename: string }[];
  /** Files the catalog already has a copy of at that location. */
  alreadyKnown: number;
  /** Backup-named files whose name the catalog uses for another backup: reported, never overwritten. */
  collisions: string[];
  /** Objects that are not backup files (by name). */
  ignored: number;
}

/**
 * Adopts backup files on a storage target that the catalog does not know —
 * Kanbu's own earlier `kanbu_backup_*.sql.gz[.enc]` / `kanbu_source_*.tar.gz[.enc]`
 * and this service's — as completed backups: type, time, compression and
 * encryption from the name, size from the object, verification `no_checksum`
 * (a verification then records the checksum). Running it again adds nothing
 * twice (a location already catalogued is skipped; the filename is unique).
 */
export async function importBackups(deps: ImportDeps, request: { target?: string; onProgress?: ProgressReporter } = {}): Promise<ImportResult> {
  const storage = request.target ? deps.targets.get(request.target) : deps.targets.primary;
  if (!storage) {
    const configured = deps.targets.all.map((t) => t.name).join(', ');
    throw new AppError(ErrorCode.ValidationFailed, `No storage target named "${request.target}" (configured: ${configured})`);
  }
  const progress = request.onProgress ?? (() => undefined);
  progress({ stage: `listing ${storage.name}`, percent: 0 });
  const objects = (await storage.list()).sort((a, b) => a.name.localeCompare(b.name));
  const known = await deps.copies.knownLocations(storage.name);
  const result: ImportResult = { target: storage.name, added: [], alreadyKnown: 0, collisions: [], ignored: 0 };
  for (const [index, object] of objects.entries()) {
    progress({ stage: `importing from ${storage.name}`, percent: Math.floor((index / Math.max(1, objects.length)) * 100) });
    const filename = basename(object.name);
    const parts = parseBackupFileName(filename);
    if (!parts) {
      result.ignored++;
      continue;
    }
    if (known.has(object.name)) {
      result.alreadyKnown++;
      continue;
    }
    if (await deps.backups.findByFilename(filename)) {
      result.collisions.push(filename);
      continue;
    }
    try {
      const backup = await deps.backups.createImported({
        type: parts.type,
        filename,
        compression: parts.compression,
        encrypted: parts.encrypted,
        createdAt: parts.at,
        target: storage.name,
        location: object.name,
        sizeBytes: object.sizeBytes,
      });
      result.added.push({ id: backup.id, filename });
    } catch (err) {
      // Another import took the name a moment ago.
      if (!isUniqueViolation(err)) throw err;
      result.collisions.push(filename);
    }
  }
  progress({ stage: 'completed', percent: 100 });
  if (result.collisions.length) {
    deps.logger.warn(
      `Import from ${storage.name}: ${result.collisions.length} file(s) carry the name of a catalogued backup, left alone: ${result.collisions.join(', ')}`,
    );
  }
  deps.logger.info(
    `Import from ${storage.name}: added ${result.added.length}, already known ${result.alreadyKnown}, collisions ${result.collisions.length}, other objects ${result.ignored}`,
  );
  return result;
}

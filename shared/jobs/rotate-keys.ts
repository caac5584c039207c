import type { Backup } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { AppError, ErrorCode, errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../domain/job-progress';
import type { EncryptionKey } from '../engine/crypto/encryption-key';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { copiesOf } from './backup-copies';
import { CopyPlan, CopyRotation, planCopyRotation } from './rotation/copy-plan';
import { ROTATION_LEFTOVER, stageReencryptedCopy, StagedCopy } from './rotation/reencrypt-copy';
import { replaceAllCopies } from './rotation/replace-copies';

export type { CopyRotation } from './rotation/copy-plan';

export interface RotateKeysDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  /** Every configured target: each copy is re-encrypted where it is stored. */
  targets: StorageTargets;
  keys: KeyRing;
  logger: Logger;
}

export interface RotationOutcome {
  backupId: string;
  filename: string;
  /** Key id and format before the rotation. */
  from: string;
  /** `deleted`: the backup was deleted (by retention or an operator) while it was being re-encrypted. */
  status: 'rotated' | 'failed' | 'planned' | 'deleted';
  error?: string;
  /** What became of each stored copy. */
  copies: CopyRotation[];
}

export interface RotateKeysOptions {
  /** Only say what would be re-encrypted. */
  dryRun?: boolean;
  onStart?: (backup: Backup, index: number, total: number) => void;
  onProgress?: ProgressReporter;
  onOutcome?: (outcome: RotationOutcome) => void;
}

/** Whether a backup is already encrypted, in format v2, with the current key. */
function isCurrent(backup: Backup, current: EncryptionKey): boolean {
  return backup.encryptionKeyId === current.id && backup.encryptionFormat === 'v2';
}

function describeKey(backup: Backup): string {
  return `${backup.encryptionFormat ?? 'unknown format'} key ${backup.encryptionKeyId ?? 'unknown'}`;
}

/**
 * Re-encrypts every usable encrypted backup that is not yet in format v2 under
 * the current key (BACKUP_ENCRYPTION_KEY), decrypting with any configured key
 * (BACKUP_ENCRYPTION_OLD_KEYS), on every target that holds a copy of it (the
 * catalog keeps one key per backup, so all copies must move together). Per
 * backup: each copy is re-encrypted beside its original on its own target and
 * verified with the current key alone; only when all are staged are the
 * originals replaced, and if one replace fails the others are put back; the
 * catalog records the new key only when every copy moved. A failed backup is
 * left exactly as it was, reported, and the rotation goes on with the next.
 */
export async function rotateKeys(deps: RotateKeysDeps, options: RotateKeysOptions = {}): Promise<RotationOutcome[]> {
  const current = deps.keys.current;
  if (!current) throw new AppError(ErrorCode.EncryptionKeyMissing, 'BACKUP_ENCRYPTION_KEY is not set: there is no key to rotate to');
  const todo = (await deps.backups.listEncryptedUsable()).filter((b) => !isCurrent(b, current));
  const outcomes: RotationOutcome[] = [];
  const report = (outcome: RotationOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  if (options.dryRun) {
    for (const b of todo) {
      const plan = await planFor(deps, b);
      report({
        backupId: b.id,
        filename: b.filename,
        from: describeKey(b),
        status: 'planned',
        copies: [...plan.rotate.map(({ copy }) => ({ target: copy.target, status: 'planned' as const })), ...plan.others],
      });
    }
    return outcomes;
  }
  await removeLeftovers(deps);
  for (const [index, backup] of todo.entries()) {
    options.onStart?.(backup, index, todo.length);
    const base = { backupId: backup.id, filename: backup.filename, from: describeKey(backup) };
    const result = await rotateBackup(deps, backup, current, options.onProgress).catch((err): Result => ({
      status: 'failed',
      copies: [],
      error: errorMessage(err),
    }));
    report({ ...base, ...result });
    if (result.status === 'deleted') {
      deps.logger.info(`${backup.filename} was deleted while it was being re-encrypted; nothing left to do`);
    } else if (result.status === 'rotated') {
      deps.logger.info(
        `Re-encrypted ${backup.filename} (${describeKey(backup)}) with key ${current.id} on ${result.copies
          .filter((c) => c.status === 'rotated')
          .map((c) => c.target)
          .join(', ')}`,
      );
    } else {
      deps.logger.error(`Could not re-encrypt ${backup.filename}: ${result.error}`);
    }
  }
  return outcomes;
}

type Result = Pick<RotationOutcome, 'status' | 'copies' | 'error'>;

async function planFor(deps: RotateKeysDeps, backup: Backup): Promise<CopyPlan> {
  return planCopyRotation(copiesOf(backup, await deps.copies.forBackup(backup.id)), (name) => deps.targets.get(name));
}

/** Why a backup was not rotated, from what became of its copies. */
function failed(copies: CopyRotation[], reason?: string): Result {
  const problems = copies.filter((c) => c.status === 'failed' || c.status === 'new_key').map((c) => `${c.target}: ${c.detail}`);
  const unchanged = copies.filter((c) => c.status === 'unchanged').map((c) => c.target);
  const error = [reason, ...problems, ...(unchanged.length ? [`left as it was: ${unchanged.join(', ')}`] : [])].filter(Boolean).join('; ');
  return { status: 'failed', copies, error };
}

async function rotateBackup(deps: RotateKeysDeps, backup: Backup, current: EncryptionKey, onProgress?: ProgressReporter): Promise<Result> {
  const plan = await planFor(deps, backup);
  const untouched = (): CopyRotation[] => plan.rotate.map(({ copy }) => ({ target: copy.target, status: 'unchanged' }));
  if (plan.others.some((c) => c.status === 'failed')) return failed([...plan.others, ...untouched()]);
  if (plan.rotate.length === 0) return failed(plan.others, 'no stored copy is left to re-encrypt');

  const passes = plan.rotate.length * 2;
  const staged: StagedCopy[] = [];
  for (const [i, target] of plan.rotate.entries()) {
    try {
      staged.push(
        await stageReencryptedCopy(target, {
          keys: deps.keys,
          current,
          expectedSha256: backup.checksum,
          onProgress:
            onProgress &&
            ((pass, p) => {
              const done = i * 2 + (pass === 'verifying' ? 1 : 0);
              onProgress({ ...p, stage: `${pass} on ${target.copy.target}`, percent: Math.floor((done * 100 + p.percent) / passes) });
            }),
        }),
      );
    } catch (err) {
      await discard(staged);
      const copies = untouched();
      copies[i] = { target: target.copy.target, status: 'failed', detail: errorMessage(err) };
      return failed([...copies, ...plan.others]);
    }
  }

  // Under the row lock: retention and deletes of this backup wait, and a backup deleted meanwhile is not revived.
  let replaced: CopyRotation[] = [];
  const allRotated = () => replaced.length > 0 && replaced.every((c) => c.status === 'rotated');
  let copiesChanged = false;
  let outcome: 'gone' | 'recorded' | 'not_replaced';
  try {
    outcome = await deps.backups.replaceCopiesLocked(backup.id, async () => {
      // A copy deleted (or found corrupt) since it was staged must not be brought back by a replace.
      const stillStored = (await planFor(deps, backup)).rotate.map((r) => r.copy.target).join();
      if (stillStored !== plan.rotate.map((r) => r.copy.target).join()) {
        copiesChanged = true;
        return null;
      }
      replaced = await replaceAllCopies(staged);
      if (!allRotated()) return null;
      return {
        encryptionKeyId: current.id,
        encryptionFormat: 'v2',
        sizeBytes: (staged.find((s) => s.copy.isPrimary) ?? staged[0]).sizeBytes,
        copies: staged.map((s) => ({ target: s.copy.target, sizeBytes: s.sizeBytes })),
      };
    });
  } catch (err) {
    if (!allRotated()) throw err;
    return failed(
      [...replaced, ...plan.others],
      `every copy is under key ${current.id} now, but the catalog could not record it (${errorMessage(err)}); run rotate-keys again`,
    );
  }
  if (outcome === 'gone') {
    await discard(staged);
    return { status: 'deleted', copies: [] };
  }
  if (copiesChanged) {
    await discard(staged);
    return failed(
      [...untouched(), ...plan.others],
      'its copies changed while it was being re-encrypted (deleted or found damaged meanwhile); run rotate-keys again',
    );
  }
  const copies = [...replaced, ...plan.others];
  return outcome === 'recorded' ? { status: 'rotated', copies } : failed(copies);
}

async function discard(staged: readonly StagedCopy[]): Promise<void> {
  await Promise.all(staged.map((s) => s.storage.delete(s.staged).catch(() => undefined)));
}

/**
 * Leftovers of an interrupted rotation, on every target. A kept original only
 * outlives a rotation that died between two replaces; the copy that replaced
 * it is verified and under the current key, and the next rotation re-encrypts
 * that backup again, since the catalog still names the old key.
 */
async function removeLeftovers(deps: RotateKeysDeps): Promise<void> {
  for (const storage of deps.targets.all) {
    try {
      for (const object of await storage.list()) {
        if (ROTATION_LEFTOVER.test(object.name)) await storage.delete(object.name);
      }
    } catch (err) {
      deps.logger.warn(`Could not look for leftovers of an interrupted key rotation on ${storage.name}: ${errorMessage(err)}`);
    }
  }
}

import type { Backup, Schedule } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository, ScheduleRepository } from '../catalog/repositories';
import { decideRetention, RetentionDecision, RetentionPolicy } from '../domain/retention-policy';
import { schedulePolicy, scheduleTimeZone } from '../domain/schedule-settings';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../domain/job-progress';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { deleteStoredCopies } from './delete-backup';

/** A temporary file untouched this long belongs to a write that died (a write in progress touches it constantly). */
export const STALE_WRITE_AGE_MS = 6 * 60 * 60 * 1000;

export interface RetentionDeps {
  backups: BackupRepository;
  schedules: ScheduleRepository;
  defaultRetentionDays: number;
  defaultTimeZone: string;
}

export interface PruneDeps extends RetentionDeps {
  copies: BackupCopyRepository;
  targets: StorageTargets;
  logger: Logger;
}

/** Removes every stored copy of a backup, or throws with the copies that could not be removed. */
async function removeAllCopies(deps: PruneDeps, backup: Backup): Promise<void> {
  const failed = (await deleteStoredCopies(deps, backup)).filter((c) => c.status !== 'deleted');
  if (failed.length > 0) throw new Error(failed.map((c) => `${c.target}: ${c.error}`).join('; '));
}

export interface RetentionPlan {
  schedule: Schedule | null;
  policy: RetentionPolicy;
  timeZone: string;
  now: Date;
  decisions: RetentionDecision<Backup>[];
}

/** What retention would do now to the backups of a schedule (or, for null, of no schedule). Reads only. */
export async function planRetention(deps: RetentionDeps, scheduleId: string | null, now = new Date()): Promise<RetentionPlan> {
  const schedule = scheduleId ? await deps.schedules.findById(scheduleId) : null;
  const policy = schedulePolicy(schedule, deps.defaultRetentionDays);
  const timeZone = scheduleTimeZone(schedule, deps.defaultTimeZone);
  const backups = await deps.backups.listForRetention(scheduleId);
  return { schedule, policy, timeZone, now, decisions: decideRetention({ backups, policy, now, timeZone }) };
}

export interface PruneResult {
  kept: number;
  deleted: { id: string; filename: string; reason: string }[];
  /** Failed backups whose stored leftovers were removed (their rows stay as history). */
  cleaned: number;
  /** Deletions skipped because the backup became protected, or was deleted, in the meantime. */
  skipped: { id: string; filename: string }[];
  staleWritesRemoved: number;
}

/**
 * Applies retention: deletes what the policy no longer keeps (stored object
 * first, then the catalog row, re-checking protection under a row lock),
 * removes failed backups' leftovers and stale temporary writes.
 */
export async function pruneBackups(deps: PruneDeps, request: { scheduleId: string | null; now?: Date; onProgress?: ProgressReporter }): Promise<PruneResult> {
  const progress = request.onProgress ?? (() => undefined);
  const plan = await planRetention(deps, request.scheduleId, request.now);
  const result: PruneResult = { kept: 0, deleted: [], cleaned: 0, skipped: [], staleWritesRemoved: 0 };
  const scope = plan.schedule ? `schedule "${plan.schedule.name}"` : 'backups without a schedule';
  progress({ stage: 'pruning', percent: 0 });
  const failures: string[] = [];
  let done = 0;
  for (const decision of plan.decisions) {
    const { backup } = decision;
    if (decision.action === 'keep') result.kept++;
    if (decision.action === 'clean') {
      // One leftover that cannot be removed (a mount that is down) must not hold up the rest of the prune.
      try {
        await removeAllCopies(deps, backup);
        result.cleaned++;
      } catch (err) {
        failures.push(`${backup.filename}: ${errorMessage(err)}`);
        deps.logger.warn(`Retention (${scope}): could not remove the leftovers of failed backup ${backup.filename}: ${errorMessage(err)}`);
      }
    }
    if (decision.action === 'delete') {
      try {
        const deleted = await deps.backups.deleteIfUnprotected(backup.id, plan.now, (b) => removeAllCopies(deps, b));
        if (deleted) {
          result.deleted.push({ id: backup.id, filename: backup.filename, reason: decision.reason });
          deps.logger.info(`Retention (${scope}): deleted ${backup.filename} (${decision.reason})`);
        } else {
          result.skipped.push({ id: backup.id, filename: backup.filename });
        }
      } catch (err) {
        failures.push(`${backup.filename}: ${errorMessage(err)}`);
        deps.logger.warn(`Retention (${scope}): could not delete ${backup.filename}: ${errorMessage(err)}`);
      }
    }
    done++;
    progress({ stage: 'pruning', percent: Math.floor((done / plan.decisions.length) * 95) });
  }
  const staleBefore = new Date(plan.now.getTime() - STALE_WRITE_AGE_MS);
  for (const target of deps.targets.all) {
    try {
      result.staleWritesRemoved += await target.removeStaleWrites(staleBefore);
    } catch (err) {
      deps.logger.warn(`Retention: could not clean up interrupted writes on ${target.name}: ${errorMessage(err)}`);
    }
  }
  progress({ stage: 'completed', percent: 100 });
  deps.logger.info(
    `Retention (${scope}): kept ${result.kept}, deleted ${result.deleted.length}, cleaned ${result.cleaned} failed, removed ${result.staleWritesRemoved} stale temporary file(s)`,
  );
  // The rows of what could not be removed stay, so the next prune tries again; the job says so.
  if (failures.length > 0) throw new Error(`Retention could not remove ${failures.length} backup(s): ${failures.join('; ')}`);
  return result;
}

import type { Logger } from '../logging';
import { planRetention, RetentionDeps } from './prune-backups';

/** The migration after which the first prune applies retentionDays as a maximum age. */
export const RETENTION_MAX_AGE_MIGRATION = 'RetentionMaxAge1765300001000';

export interface RetentionUpgradeScope {
  schedule: string | null;
  delete: { filename: string; reason: string; explanation: string }[];
}

/**
 * Logs, once (when the migration that changes retention is applied), what the
 * first prune of every schedule and of the unscheduled backups will delete, so
 * an operator can protect a backup before it goes. Reads only.
 */
export async function logRetentionUpgradePreview(deps: RetentionDeps & { logger: Logger }, now = new Date()): Promise<RetentionUpgradeScope[]> {
  const scopes: RetentionUpgradeScope[] = [];
  for (const scheduleId of [...(await deps.schedules.list()).map((s) => s.id), null]) {
    const plan = await planRetention(deps, scheduleId, now);
    const doomed = plan.decisions.flatMap((d) =>
      d.action === 'delete' ? [{ filename: d.backup.filename, reason: d.reason, explanation: d.explanation }] : [],
    );
    scopes.push({ schedule: plan.schedule?.name ?? null, delete: doomed });
    const scope = plan.schedule ? `schedule "${plan.schedule.name}"` : 'backups without a schedule';
    if (doomed.length === 0) continue;
    deps.logger.warn(
      `Retention now treats retentionDays as a maximum age: the next prune of ${scope} will delete ${doomed.length} backup(s); ` +
        `protect any you want to keep (PATCH /api/backups/:id {"protected": true}) before the next backup runs`,
    );
    for (const d of doomed) deps.logger.warn(`Retention (${scope}) will delete ${d.filename}: ${d.explanation}`);
  }
  if (scopes.every((s) => s.delete.length === 0)) deps.logger.info('Retention now treats retentionDays as a maximum age; the next prune deletes nothing');
  return scopes;
}

import type { Backup, BackupCopy, Execution, Schedule } from '../../shared/catalog/entities';
import type { Page } from '../../shared/catalog/repositories';
import type { Config } from '../../shared/config';
import { nextRuns } from '../../shared/domain/cron-schedule';
import { schedulePolicy, scheduleTimeZone } from '../../shared/domain/schedule-settings';
import { retentionWarnings } from '../../shared/domain/retention-policy';
import type { RetentionPlan } from '../../shared/jobs/prune-backups';

export function presentCopy(copy: BackupCopy) {
  return {
    target: copy.target,
    isPrimary: copy.isPrimary,
    location: copy.location,
    status: copy.status,
    sizeBytes: copy.sizeBytes,
    checkedAt: copy.checkedAt,
    error: copy.error,
  };
}

export function presentBackup(backup: Backup) {
  return {
    id: backup.id,
    type: backup.type,
    filename: backup.filename,
    status: backup.status,
    purpose: backup.purpose,
    sizeBytes: backup.sizeBytes,
    sourceBytes: backup.sourceBytes,
    checksum: backup.checksum,
    compression: backup.compression,
    isEncrypted: backup.encrypted,
    encryptionKeyId: backup.encryptionKeyId,
    storage: backup.storage,
    verificationStatus: backup.verificationStatus,
    verifiedAt: backup.verifiedAt,
    verificationError: backup.verificationError,
    verificationDetails: backup.verificationDetails,
    protected: backup.isProtected,
    protectedUntil: backup.protectedUntil,
    scheduleId: backup.scheduleId,
    executionId: backup.executionId,
    trigger: backup.trigger,
    durationMs: backup.durationMs,
    error: backup.error,
    createdAt: backup.createdAt,
    completedAt: backup.completedAt,
    ...(backup.copies ? { copies: backup.copies.map(presentCopy) } : {}),
  };
}

export function presentExecution(execution: Execution) {
  return {
    id: execution.id,
    kind: execution.kind,
    trigger: execution.trigger,
    status: execution.status,
    queue: execution.queue,
    jobId: execution.jobId,
    scheduleId: execution.scheduleId,
    backupId: execution.backupId,
    attempts: execution.attempts,
    queuedAt: execution.queuedAt,
    startedAt: execution.startedAt,
    finishedAt: execution.finishedAt,
    durationMs: execution.durationMs,
    error: execution.error,
    details: execution.details,
  };
}

export function presentPage<T, R>(page: Page<T>, present: (item: T) => R) {
  return { items: page.items.map(present), total: page.total, page: page.page, pageSize: page.pageSize };
}

export interface ScheduleDefaults {
  defaultTimeZone: string;
  defaultRetentionDays: number;
}

export function scheduleDefaults(config: Pick<Config, 'BACKUP_CRON_TIMEZONE' | 'BACKUP_RETENTION_DAYS'>): ScheduleDefaults {
  return { defaultTimeZone: config.BACKUP_CRON_TIMEZONE, defaultRetentionDays: config.BACKUP_RETENTION_DAYS };
}

const NEXT_RUNS_SHOWN = 5;

export function presentSchedule(schedule: Schedule, defaults: ScheduleDefaults, now = new Date()) {
  const timezone = scheduleTimeZone(schedule, defaults.defaultTimeZone);
  const policy = schedulePolicy(schedule, defaults.defaultRetentionDays);
  return {
    id: schedule.id,
    number: schedule.number,
    name: schedule.name,
    type: schedule.type,
    cronExpression: schedule.cronExpression,
    timezone: schedule.timezone,
    effectiveTimezone: timezone,
    enabled: schedule.enabled,
    retentionDays: schedule.retentionDays,
    keepDaily: schedule.keepDaily,
    keepWeekly: schedule.keepWeekly,
    keepMonthly: schedule.keepMonthly,
    effectiveRetentionDays: policy.retentionDays,
    nextRuns: schedule.enabled ? nextRuns(schedule.cronExpression, timezone, now, NEXT_RUNS_SHOWN) : [],
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
    warnings: retentionWarnings(policy),
  };
}

export function presentRetentionPlan(plan: RetentionPlan) {
  const item = (backup: Backup) => ({ id: backup.id, filename: backup.filename, type: backup.type, status: backup.status, createdAt: backup.createdAt });
  const decisions = plan.decisions;
  return {
    schedule: plan.schedule ? { id: plan.schedule.id, name: plan.schedule.name } : null,
    now: plan.now,
    timezone: plan.timeZone,
    policy: plan.policy,
    summary: {
      keep: decisions.filter((d) => d.action === 'keep').length,
      delete: decisions.filter((d) => d.action === 'delete').length,
      clean: decisions.filter((d) => d.action === 'clean').length,
    },
    warnings: retentionWarnings(plan.policy),
    delete: decisions.flatMap((d) => (d.action === 'delete' ? [{ ...item(d.backup), reason: d.reason, explanation: d.explanation }] : [])),
    clean: decisions.flatMap((d) => (d.action === 'clean' ? [{ ...item(d.backup), reasons: d.reasons, explanation: d.explanation }] : [])),
    keep: decisions.flatMap((d) => (d.action === 'keep' ? [{ ...item(d.backup), reasons: d.reasons, explanation: d.explanation }] : [])),
  };
}

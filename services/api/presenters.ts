import type { Backup, BackupCopy, Execution } from '../../shared/catalog/entities';
import type { Page } from '../../shared/catalog/repositories';

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

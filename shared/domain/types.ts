/** Vocabulary shared by the catalog, the queue payloads and the API. */

export const BACKUP_TYPES = ['database', 'source'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

export const BACKUP_STATUSES = ['running', 'completed', 'completed_with_warnings', 'failed'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

/** Statuses whose stored file is usable. */
export const USABLE_BACKUP_STATUSES: readonly BackupStatus[] = ['completed', 'completed_with_warnings'];

/** Why a backup exists: taken on request/schedule, or automatically before a restore. */
export const BACKUP_PURPOSES = ['regular', 'pre_restore'] as const;
export type BackupPurpose = (typeof BACKUP_PURPOSES)[number];

export const VERIFICATION_STATUSES = ['pending', 'verified', 'failed', 'no_checksum'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const COMPRESSIONS = ['gzip', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const TRIGGERS = ['api', 'external', 'schedule', 'cli', 'system'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const EXECUTION_KINDS = ['backup', 'restore', 'verify', 'prune', 'notify'] as const;
export type ExecutionKind = (typeof EXECUTION_KINDS)[number];

/** `waiting`: its resource (a database, a source directory) is locked by another run; it starts when that one ends. */
export const EXECUTION_STATUSES = ['queued', 'waiting', 'running', 'retrying', 'completed', 'failed'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * A copy is `completed` when written (and, once read with verification, when its
 * checksum matched); `missing` or `corrupt` when a read found it gone or failing
 * its checksum; `delete_failed` when deleting it did not work (it still exists).
 */
export const COPY_STATUSES = ['writing', 'completed', 'failed', 'deleted', 'missing', 'corrupt', 'delete_failed'] as const;
export type CopyStatus = (typeof COPY_STATUSES)[number];

import { ErrorCode } from '../../shared/errors';

/**
 * The HTTP status of every error code: the one place the API chooses them. Storage, queue
 * and job code only say what went wrong (the code) and whether a retry may help.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.InvalidJson]: 400,
  [ErrorCode.InvalidStorageName]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.RouteNotFound]: 404,
  [ErrorCode.BackupNotFound]: 404,
  [ErrorCode.BackupFileNotFound]: 404,
  [ErrorCode.ExecutionNotFound]: 404,
  [ErrorCode.JobNotFound]: 404,
  [ErrorCode.ScheduleNotFound]: 404,
  [ErrorCode.RestoreNotFound]: 404,
  // A disabled trigger endpoint looks like no endpoint at all.
  [ErrorCode.TriggerDisabled]: 404,
  [ErrorCode.BackupNotCompleted]: 409,
  [ErrorCode.BackupProtected]: 409,
  [ErrorCode.LastBackup]: 409,
  [ErrorCode.BackupFileExists]: 409,
  [ErrorCode.ScheduleNameTaken]: 409,
  [ErrorCode.ScheduleDisabled]: 409,
  [ErrorCode.ResourceLocked]: 409,
  [ErrorCode.NotificationsNotConfigured]: 409,
  [ErrorCode.RestoreTokenInvalid]: 409,
  [ErrorCode.NoPreviousDatabase]: 409,
  // The server's key does not fit the backup: a conflict with its configuration, not a fault.
  [ErrorCode.EncryptionKeyMissing]: 409,
  [ErrorCode.WrongEncryptionKey]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.ChecksumMismatch]: 422,
  [ErrorCode.Internal]: 500,
  [ErrorCode.InvalidConfig]: 500,
  [ErrorCode.DatabaseUrlMissing]: 500,
  [ErrorCode.SourceFailed]: 500,
  [ErrorCode.CorruptBackup]: 500,
  [ErrorCode.RestoreFailed]: 500,
  [ErrorCode.RestoreTargetExists]: 500,
  [ErrorCode.VerificationFailed]: 500,
  [ErrorCode.CommandFailed]: 500,
  [ErrorCode.Interrupted]: 500,
  [ErrorCode.BackupDeleteIncomplete]: 502,
  [ErrorCode.NotificationDeliveryFailed]: 502,
  [ErrorCode.StorageUnavailable]: 503,
  [ErrorCode.QueueUnavailable]: 503,
  [ErrorCode.LockTimeout]: 503,
};

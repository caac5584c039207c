import type { Config, StorageTargetConfig } from '../../config';
import { AppError, ErrorCode } from '../../errors';
import { GDriveStorage } from './gdrive.storage';
import { LocalStorage } from './local.storage';
import type { StorageBackend } from './storage-backend';
import { StorageTargets } from './storage-targets';

function createBackend(target: StorageTargetConfig): StorageBackend {
  const s = target.settings;
  switch (target.kind) {
    case 'local':
      return new LocalStorage(target.target, s.BACKUP_LOCAL_PATH);
    case 'gdrive':
      return new GDriveStorage(target.target, s.BACKUP_GDRIVE_PATH, { requireMount: s.BACKUP_GDRIVE_REQUIRE_MOUNT });
    case 's3': {
      // The AWS SDK is about a tenth of a CLI run's start-up: loaded only when an S3 target is configured.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { S3Storage } = require('./s3.storage') as typeof import('./s3.storage');
      return new S3Storage(target.target, {
        bucket: s.BACKUP_S3_BUCKET!,
        region: s.BACKUP_S3_REGION,
        endpoint: s.BACKUP_S3_ENDPOINT,
        prefix: s.BACKUP_S3_PREFIX ?? '',
        forcePathStyle: s.BACKUP_S3_FORCE_PATH_STYLE,
        sse: s.BACKUP_S3_SSE,
        sseKmsKeyId: s.BACKUP_S3_SSE_KMS_KEY_ID,
        storageClass: s.BACKUP_S3_STORAGE_CLASS,
        partSizeBytes: s.BACKUP_S3_PART_SIZE_MB * 1024 * 1024,
        credentials:
          s.BACKUP_S3_ACCESS_KEY_ID && s.BACKUP_S3_SECRET_ACCESS_KEY
            ? { accessKeyId: s.BACKUP_S3_ACCESS_KEY_ID, secretAccessKey: s.BACKUP_S3_SECRET_ACCESS_KEY }
            : undefined,
      });
    }
  }
}

/** Every configured target (BACKUP_STORAGE, then BACKUP_REPLICAS), from the loaded config. */
export function createStorageTargets(config: Config): StorageTargets {
  if (!config.storageTargets) {
    throw new AppError(ErrorCode.InvalidConfig, 'The configuration has no storage targets: build it with loadConfig()');
  }
  const [primary, ...replicas] = config.storageTargets.map(createBackend);
  return new StorageTargets(primary, replicas);
}

/** The primary target backups are written to, from BACKUP_STORAGE. */
export function createStorage(config: Config): StorageBackend {
  return createStorageTargets(config).primary;
}

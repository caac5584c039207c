import type { Config } from '../../config';
import { AppError, ErrorCode } from '../../errors';
import { LocalStorage } from './local.storage';
import type { StorageBackend } from './storage-backend';

/** The storage target backups are written to, from BACKUP_STORAGE. */
export function createStorage(config: Config): StorageBackend {
  switch (config.BACKUP_STORAGE) {
    case 'local':
      return new LocalStorage('local', config.BACKUP_LOCAL_PATH);
    default:
      throw new AppError(ErrorCode.InvalidConfig, `BACKUP_STORAGE=${config.BACKUP_STORAGE} is not available in this version`);
  }
}

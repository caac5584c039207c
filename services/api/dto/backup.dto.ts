import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { BACKUP_STATUSES, BACKUP_TYPES, BackupStatus, BackupType } from '../../../shared/domain/types';
import { PageQuery } from './page-query';
import { IsScheduleReference } from './schedule-reference';

export class CreateBackupDto {
  @IsIn(BACKUP_TYPES, { message: `type must be one of: ${BACKUP_TYPES.join(', ')}` })
  type: BackupType;
}

export class TriggerBackupDto extends CreateBackupDto {
  @IsOptional()
  @IsScheduleReference('scheduleId')
  scheduleId?: string;
}

const SORTS = { date: 'createdAt', size: 'sizeBytes' } as const;

export class ListBackupsQuery extends PageQuery {
  @IsOptional()
  @IsIn(Object.keys(SORTS), { message: 'sort must be one of: date, size' })
  sort: keyof typeof SORTS = 'date';

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @IsOptional()
  @IsIn(BACKUP_TYPES)
  type?: BackupType;

  @IsOptional()
  @IsIn(BACKUP_STATUSES)
  status?: BackupStatus;

  get sortField(): (typeof SORTS)[keyof typeof SORTS] {
    return SORTS[this.sort];
  }
}

export class DownloadBackupQuery {
  /**
   * Re-compute the checksum of the copy before streaming it (and fall back to a replica
   * if it fails). Unset: true for Bearer callers, false for a signed-in browser, which
   * should see the download start at once.
   */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'verify must be true or false' })
  verify?: boolean;
}

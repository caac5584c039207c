import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { BACKUP_TYPES, BackupType } from '../../../shared/domain/types';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
/** In a PATCH, a field that may be left out but not set to null. */
const present = ValidateIf((_o, value) => value !== undefined);

// Names end up in log lines and notifications: no control characters (newlines could forge log lines).
const printable = Matches(/^[^\p{Cc}\u2028\u2029]*$/u, { message: '$property must not contain control characters or line breaks' });

const MAX_DAYS = 36_500;
const MAX_BUCKETS = 1000;

/** POST /api/schedules. Cron expression and time zone are checked further by the use case (with cron-parser). */
export class CreateScheduleDto {
  @trim
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(128)
  @printable
  name: string;

  @IsIn(BACKUP_TYPES, { message: `type must be one of: ${BACKUP_TYPES.join(', ')}` })
  type: BackupType;

  @trim
  @IsString()
  @IsNotEmpty({ message: 'cronExpression must not be empty' })
  @MaxLength(128)
  @printable
  cronExpression: string;

  /** IANA zone; null or absent: BACKUP_CRON_TIMEZONE. */
  @IsOptional()
  @trim
  @IsString()
  @MaxLength(64)
  @printable
  timezone?: string | null;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** Null or absent: BACKUP_RETENTION_DAYS. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DAYS)
  retentionDays?: number | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepDaily?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepWeekly?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepMonthly?: number;
}

/** PATCH /api/schedules/:id: any subset; `timezone` and `retentionDays` may be set to null (back to the default). */
export class UpdateScheduleDto {
  @present
  @trim
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(128)
  @printable
  name?: string;

  @present
  @IsIn(BACKUP_TYPES, { message: `type must be one of: ${BACKUP_TYPES.join(', ')}` })
  type?: BackupType;

  @present
  @trim
  @IsString()
  @IsNotEmpty({ message: 'cronExpression must not be empty' })
  @MaxLength(128)
  @printable
  cronExpression?: string;

  @IsOptional()
  @trim
  @IsString()
  @MaxLength(64)
  @printable
  timezone?: string | null;

  @present
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DAYS)
  retentionDays?: number | null;

  @present
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepDaily?: number;

  @present
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepWeekly?: number;

  @present
  @IsInt()
  @Min(0)
  @Max(MAX_BUCKETS)
  keepMonthly?: number;
}

export class ProtectBackupDto {
  @IsBoolean({ message: 'protected must be true or false' })
  protected: boolean;
}

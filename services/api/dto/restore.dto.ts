import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PLAIN_DATABASE_NAME, PLAIN_DATABASE_NAME_RULE } from '../../../shared/jobs/restore/restore-names';
import type { VerifyMode } from '../../../shared/queue/job-payloads';

export class RestoreRequestDto {
  /** Restore into a new database of this name instead of replacing the live one. */
  @IsOptional()
  @Matches(PLAIN_DATABASE_NAME, { message: `targetDatabase must be ${PLAIN_DATABASE_NAME_RULE}` })
  targetDatabase?: string;

  @IsOptional()
  @IsBoolean()
  keepPrevious?: boolean;

  /** Source backups: the directory to restore into (absolute path). */
  @IsOptional()
  @IsString()
  @Matches(/^\/[^\0]*$/, { message: 'targetPath must be an absolute path' })
  @MaxLength(4096)
  targetPath?: string;

  /** Source backups: replace a non-empty targetPath (kept as `<path>.pre-restore-<time>`). */
  @IsOptional()
  @IsBoolean()
  replaceExisting?: boolean;

  /** Restore a backup whose last verification failed anyway (bound into the confirmation token). */
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class RestoreConfirmDto {
  @IsString()
  @IsNotEmpty({ message: 'token is required: request one with POST /api/backups/:id/restore' })
  @MaxLength(200)
  token: string;
}

export class VerifyRequestDto {
  @IsOptional()
  @IsIn(['checksum', 'restore-test'])
  mode?: VerifyMode;
}

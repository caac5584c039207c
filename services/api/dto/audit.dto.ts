import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from './page-query';

export const AUDITED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** GET /api/audit: newest first, filtered by any of these. */
export class ListAuditQuery extends PageQuery {
  @IsOptional()
  @IsIn(AUDITED_METHODS)
  method?: (typeof AUDITED_METHODS)[number];

  /** Path prefix, e.g. `/api/backups`. */
  @IsOptional()
  @MaxLength(2048)
  @Matches(/^\//, { message: 'path must start with /' })
  path?: string;

  /** A session id or key fingerprint (12 hex digits). */
  @IsOptional()
  @Matches(/^[0-9a-f]{12}$/, { message: 'actor must be a session id or key fingerprint (12 hex digits)' })
  actor?: string;

  /** An id the request named or created, e.g. a backup id. */
  @IsOptional()
  @IsUUID()
  target?: string;

  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  /** ISO 8601 time; entries at or after it. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 time' })
  since?: Date;

  /** ISO 8601 time; entries before it. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'until must be an ISO 8601 time' })
  until?: Date;
}

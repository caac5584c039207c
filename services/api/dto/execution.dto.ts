import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { EXECUTION_KINDS, EXECUTION_STATUSES, ExecutionKind, ExecutionStatus } from '../../../shared/domain/types';

export class ListExecutionsQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page = 1;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize = 20;

  @IsOptional() @IsIn(EXECUTION_KINDS)
  kind?: ExecutionKind;

  @IsOptional() @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @IsOptional() @IsUUID()
  scheduleId?: string;
}

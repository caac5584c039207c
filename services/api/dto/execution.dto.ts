import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EXECUTION_KINDS, EXECUTION_STATUSES, ExecutionKind, ExecutionStatus } from '../../../shared/domain/types';
import { PageQuery } from './page-query';

export class ListExecutionsQuery extends PageQuery {
  @IsOptional()
  @IsIn(EXECUTION_KINDS)
  kind?: ExecutionKind;

  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @IsOptional()
  @IsUUID()
  scheduleId?: string;
}

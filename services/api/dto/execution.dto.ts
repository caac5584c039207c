import { IsIn, IsOptional } from 'class-validator';
import { EXECUTION_KINDS, EXECUTION_STATUSES, ExecutionKind, ExecutionStatus } from '../../../shared/domain/types';
import { PageQuery } from './page-query';
import { IsScheduleReference } from './schedule-reference';

export class ListExecutionsQuery extends PageQuery {
  @IsOptional()
  @IsIn(EXECUTION_KINDS)
  kind?: ExecutionKind;

  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @IsOptional()
  @IsScheduleReference('scheduleId')
  scheduleId?: string;
}

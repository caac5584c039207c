import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionKind, ExecutionStatus, Trigger } from '../../domain/types';

/** History of every job run: one row per requested job, updated across its attempts. */
@Entity('execution')
@Index('idx_execution_kind_queued', ['kind', 'queuedAt'])
@Index('idx_execution_schedule_queued', ['scheduleId', 'queuedAt'])
@Index('idx_execution_finished', ['finishedAt'])
export class Execution {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ExecutionKind;

  @Column({ type: 'varchar', length: 16 })
  trigger: Trigger;

  @Column({ type: 'varchar', length: 16 })
  status: ExecutionStatus;

  /** BullMQ queue and job id, for GET /api/jobs/:id and Bull Board. */
  @Column({ type: 'varchar', length: 32 })
  queue: string;

  @Column({ name: 'job_id', type: 'varchar', length: 255, nullable: true })
  jobId: string | null;

  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId: string | null;

  @Column({ name: 'backup_id', type: 'uuid', nullable: true })
  backupId: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @CreateDateColumn({ name: 'queued_at', type: 'timestamptz' })
  queuedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Kind-specific facts (restore target, verification figures, …). Never secrets. */
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}

import { Column, CreateDateColumn, Entity, Generated, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BackupType } from '../../domain/types';

@Entity('schedule')
export class Schedule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Short, stable number (1, 2, …; never reused), accepted wherever a schedule id is. */
  @Column({ type: 'integer', unique: true })
  @Generated('increment')
  number: number;

  @Column({ type: 'varchar', length: 128, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: BackupType;

  @Column({ name: 'cron_expression', type: 'varchar', length: 128 })
  cronExpression: string;

  /** IANA zone; null means the installation default (BACKUP_CRON_TIMEZONE). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  retentionDays: number | null;

  @Column({ name: 'keep_daily', type: 'integer', default: 0 })
  keepDaily: number;

  @Column({ name: 'keep_weekly', type: 'integer', default: 0 })
  keepWeekly: number;

  @Column({ name: 'keep_monthly', type: 'integer', default: 0 })
  keepMonthly: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertKind } from '../../domain/notification-events';

/**
 * One row per occurrence of an alert condition, from when it was first seen
 * until it ended. At most one open row per key, so a condition is announced
 * once, however often it is evaluated.
 */
@Entity('alert')
@Index('uq_alert_open_key', ['key'], { unique: true, where: '"resolved_at" IS NULL' })
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `<kind>:<subject>`, e.g. `backup_age:database`. */
  @Column({ type: 'varchar', length: 160 })
  key: string;

  @Column({ type: 'varchar', length: 32 })
  kind: AlertKind;

  @Column({ type: 'varchar', length: 128 })
  subject: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ name: 'active_since', type: 'timestamptz' })
  activeSince: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** When `alert.triggered` was queued; null until it was. */
  @Column({ name: 'notified_at', type: 'timestamptz', nullable: true })
  notifiedAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** When `alert.resolved` was queued. */
  @Column({ name: 'resolved_notified_at', type: 'timestamptz', nullable: true })
  resolvedNotifiedAt: Date | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryChannel } from '../../domain/delivery-channel';

export const DELIVERY_STATUSES = ['delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row per attempt to deliver a notification through one channel. */
@Entity('notification_delivery')
@Index('idx_notification_delivery_delivery', ['deliveryId'])
@Index('idx_notification_delivery_created', ['createdAt'])
export class NotificationDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The `X-Kanbu-Delivery` id: the same for every attempt of one delivery. */
  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  /** The notify job's execution; null for test sends from the API. */
  @Column({ name: 'execution_id', type: 'uuid', nullable: true })
  executionId: string | null;

  @Column({ type: 'varchar', length: 64 })
  event: string;

  @Column({ type: 'varchar', length: 16 })
  channel: DeliveryChannel;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ name: 'will_retry', type: 'boolean', default: false })
  willRetry: boolean;

  /** HTTP status, or SMTP reply code for e-mail. */
  @Column({ name: 'response_code', type: 'integer', nullable: true })
  responseCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Where it went, masked (no credentials, no secret URL paths). */
  @Column({ type: 'varchar', length: 512, nullable: true })
  target: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A single row (id = 1): where and when to send notifications. */
@Entity('notification_settings')
export class NotificationSettings {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl: string | null;

  @Column({ name: 'webhook_secret', type: 'varchar', length: 256, nullable: true })
  webhookSecret: string | null;

  @Column({ name: 'notify_on_success', type: 'boolean', default: false })
  notifyOnSuccess: boolean;

  @Column({ name: 'notify_on_failure', type: 'boolean', default: true })
  notifyOnFailure: boolean;

  @Column({ name: 'email_recipients', type: 'text', array: true, default: () => "'{}'" })
  emailRecipients: string[];

  @Column({ name: 'slack_webhook_url', type: 'varchar', length: 2048, nullable: true })
  slackWebhookUrl: string | null;

  @Column({ name: 'discord_webhook_url', type: 'varchar', length: 2048, nullable: true })
  discordWebhookUrl: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

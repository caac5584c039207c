import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationDeliveriesAndAlerts1764300001000 implements MigrationInterface {
  name = 'NotificationDeliveriesAndAlerts1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "notification_delivery" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "delivery_id" uuid NOT NULL,
        "execution_id" uuid,
        "event" varchar(64) NOT NULL,
        "channel" varchar(16) NOT NULL,
        "attempt" integer NOT NULL,
        "status" varchar(16) NOT NULL,
        "will_retry" boolean NOT NULL DEFAULT false,
        "response_code" integer,
        "error" text,
        "target" varchar(512),
        "duration_ms" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_notification_delivery" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "idx_notification_delivery_delivery" ON "notification_delivery" ("delivery_id")`);
    await q.query(`CREATE INDEX "idx_notification_delivery_created" ON "notification_delivery" ("created_at")`);
    await q.query(`
      CREATE TABLE "alert" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "key" varchar(160) NOT NULL,
        "kind" varchar(32) NOT NULL,
        "subject" varchar(128) NOT NULL,
        "message" text NOT NULL,
        "details" jsonb,
        "active_since" timestamptz NOT NULL,
        "last_seen_at" timestamptz NOT NULL,
        "notified_at" timestamptz,
        "resolved_at" timestamptz,
        "resolved_notified_at" timestamptz,
        CONSTRAINT "PK_alert" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_alert_open_key" ON "alert" ("key") WHERE "resolved_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "alert"`);
    await q.query(`DROP TABLE "notification_delivery"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialCatalog1763900000000 implements MigrationInterface {
  name = 'InitialCatalog1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "schedule" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" varchar(128) NOT NULL,
        "type" varchar(16) NOT NULL,
        "cron_expression" varchar(128) NOT NULL,
        "timezone" varchar(64),
        "enabled" boolean NOT NULL DEFAULT true,
        "retention_days" integer,
        "keep_daily" integer NOT NULL DEFAULT 0,
        "keep_weekly" integer NOT NULL DEFAULT 0,
        "keep_monthly" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_schedule" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_schedule_name" UNIQUE ("name")
      )`);
    await q.query(`
      CREATE TABLE "backup" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" varchar(16) NOT NULL,
        "filename" varchar(255) NOT NULL,
        "status" varchar(32) NOT NULL,
        "purpose" varchar(16) NOT NULL DEFAULT 'regular',
        "size_bytes" bigint,
        "source_bytes" bigint,
        "checksum" char(64),
        "compression" varchar(16) NOT NULL,
        "encrypted" boolean NOT NULL DEFAULT false,
        "encryption_key_id" varchar(64),
        "encryption_format" varchar(16),
        "storage" varchar(64) NOT NULL,
        "verification_status" varchar(16) NOT NULL DEFAULT 'pending',
        "verified_at" timestamptz,
        "verification_error" text,
        "verification_details" jsonb,
        "protected" boolean NOT NULL DEFAULT false,
        "protected_until" timestamptz,
        "schedule_id" uuid,
        "execution_id" uuid,
        "trigger" varchar(16) NOT NULL,
        "duration_ms" integer,
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        CONSTRAINT "PK_backup" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_backup_filename" UNIQUE ("filename")
      )`);
    await q.query(`CREATE INDEX "idx_backup_type_status_created" ON "backup" ("type", "status", "created_at")`);
    await q.query(`
      CREATE TABLE "backup_copy" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "backup_id" uuid NOT NULL,
        "target" varchar(64) NOT NULL,
        "is_primary" boolean NOT NULL DEFAULT false,
        "location" varchar(1024) NOT NULL,
        "status" varchar(16) NOT NULL,
        "size_bytes" bigint,
        "checked_at" timestamptz,
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_backup_copy" PRIMARY KEY ("id"),
        CONSTRAINT "FK_backup_copy_backup" FOREIGN KEY ("backup_id") REFERENCES "backup"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_backup_copy_target" ON "backup_copy" ("backup_id", "target")`);
    await q.query(`
      CREATE TABLE "execution" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" varchar(16) NOT NULL,
        "trigger" varchar(16) NOT NULL,
        "status" varchar(16) NOT NULL,
        "queue" varchar(32) NOT NULL,
        "job_id" varchar(255),
        "schedule_id" uuid,
        "backup_id" uuid,
        "attempts" integer NOT NULL DEFAULT 0,
        "queued_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "duration_ms" integer,
        "error" text,
        "details" jsonb,
        CONSTRAINT "PK_execution" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "idx_execution_kind_queued" ON "execution" ("kind", "queued_at")`);
    await q.query(`
      CREATE TABLE "notification_settings" (
        "id" integer NOT NULL,
        "webhook_url" varchar(2048),
        "webhook_secret" varchar(256),
        "notify_on_success" boolean NOT NULL DEFAULT false,
        "notify_on_failure" boolean NOT NULL DEFAULT true,
        "email_recipients" text array NOT NULL DEFAULT '{}',
        "slack_webhook_url" varchar(2048),
        "discord_webhook_url" varchar(2048),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_notification_settings" PRIMARY KEY ("id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notification_settings"`);
    await q.query(`DROP TABLE "execution"`);
    await q.query(`DROP TABLE "backup_copy"`);
    await q.query(`DROP TABLE "backup"`);
    await q.query(`DROP TABLE "schedule"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The restore swap's journal: one row per restore that loads a database, each step recorded before it runs. */
export class RestoreJournal1765000001000 implements MigrationInterface {
  name = 'RestoreJournal1765000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "restore_journal" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "execution_id" uuid NOT NULL,
        "resource" varchar(512) NOT NULL,
        "live_name" varchar(63) NOT NULL,
        "live_oid" bigint,
        "restored_name" varchar(63) NOT NULL,
        "restored_oid" bigint,
        "previous_name" varchar(63),
        "keep_previous" boolean NOT NULL,
        "checks_passed" boolean NOT NULL DEFAULT false,
        "step" varchar(32) NOT NULL,
        "outcome" varchar(16),
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_restore_journal" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_restore_journal_execution" UNIQUE ("execution_id")
      )`);
    await q.query(`CREATE INDEX "idx_restore_journal_open" ON "restore_journal" ("resource") WHERE "outcome" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "restore_journal"`);
  }
}

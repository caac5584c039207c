import { MigrationInterface, QueryRunner } from 'typeorm';

/** Retention reads a schedule's backups by age; the status page reads a schedule's latest runs. */
export class ScheduleIndexes1764200001000 implements MigrationInterface {
  name = 'ScheduleIndexes1764200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_backup_schedule_created" ON "backup" ("schedule_id", "created_at")`);
    await q.query(`CREATE INDEX "idx_execution_schedule_queued" ON "execution" ("schedule_id", "queued_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_execution_schedule_queued"`);
    await q.query(`DROP INDEX "idx_backup_schedule_created"`);
  }
}

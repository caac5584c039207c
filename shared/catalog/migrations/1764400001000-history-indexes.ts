import { MigrationInterface, QueryRunner } from 'typeorm';

/** The history clean-up after each prune finds old finished executions by their end time. */
export class HistoryIndexes1764400001000 implements MigrationInterface {
  name = 'HistoryIndexes1764400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_execution_finished" ON "execution" ("finished_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_execution_finished"`);
  }
}

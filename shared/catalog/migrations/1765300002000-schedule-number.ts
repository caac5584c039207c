import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules get a short number (the user guide's `"scheduleId": 1`): existing
 * ones are numbered by creation time, new ones take the next value of a
 * sequence, so a number is never reused after a schedule is deleted.
 */
export class ScheduleNumber1765300002000 implements MigrationInterface {
  name = 'ScheduleNumber1765300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "schedule" ADD "number" integer`);
    await q.query(`
      UPDATE "schedule" s SET "number" = numbered.n
      FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM "schedule") numbered
      WHERE s.id = numbered.id`);
    await q.query(`CREATE SEQUENCE "schedule_number_seq" OWNED BY "schedule"."number"`);
    await q.query(`SELECT setval('"schedule_number_seq"', COALESCE((SELECT max("number") FROM "schedule"), 0) + 1, false)`);
    await q.query(`ALTER TABLE "schedule" ALTER COLUMN "number" SET DEFAULT nextval('"schedule_number_seq"'), ALTER COLUMN "number" SET NOT NULL`);
    await q.query(`ALTER TABLE "schedule" ADD CONSTRAINT "UQ_schedule_number" UNIQUE ("number")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "schedule" DROP COLUMN "number"`);
  }
}

import { MigrationInterface } from 'typeorm';

/**
 * Changes no table: it marks the release in which retentionDays became the maximum
 * age. `npm run migrate` logs, when it applies this migration, what the first prune
 * under the new rules will delete (shared/jobs/retention-upgrade-preview.ts).
 */
export class RetentionMaxAge1765300001000 implements MigrationInterface {
  name = 'RetentionMaxAge1765300001000';

  async up(): Promise<void> {}

  async down(): Promise<void> {}
}

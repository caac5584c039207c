import assert from 'node:assert/strict';
import { createCatalogDataSource } from '../../shared/catalog/data-source';
import { BackupRepository, ScheduleRepository } from '../../shared/catalog/repositories';
import { RETENTION_MAX_AGE_MIGRATION } from '../../shared/jobs/retention-upgrade-preview';
import { createTestCatalog } from '../../scripts/lib/catalog';
import { startProcess } from '../helpers/processes';

describe('upgrading to retentionDays as the maximum age', function () {
  this.timeout(120_000);

  async function migrate(url: string): Promise<string> {
    const run = startProcess('scripts/migrate.js', { CATALOG_DATABASE_URL: url, BACKUP_ADMIN_API_KEY: 'admin-key-upgrade-0123456789' });
    const code = await run.exited;
    assert.equal(code, 0, run.output());
    return run.output();
  }

  it('the migration logs, once, what the first prune will delete', async () => {
    const url = await createTestCatalog();
    const ds = createCatalogDataSource({ url, poolSize: 1 });
    await ds.initialize();
    try {
      const schedule = await new ScheduleRepository(ds).create({
        name: 'nightly',
        type: 'database',
        cronExpression: '0 3 * * *',
        timezone: 'UTC',
        enabled: true,
        retentionDays: 30,
        keepDaily: 0,
        keepWeekly: 0,
        keepMonthly: 12,
      });
      const backups = new BackupRepository(ds);
      for (const [name, daysAgo] of [
        ['recent', 1],
        ['two-months-old', 62],
      ] as const) {
        const b = await backups.createRunning({
          type: 'database',
          filename: `kanbu_backup_${name}.sql.gz`,
          compression: 'gzip',
          encrypted: false,
          storage: 'local',
          trigger: 'schedule',
          scheduleId: schedule.id,
        });
        await backups.markCompleted(b.id, { status: 'completed', sizeBytes: 4, sourceBytes: 4, checksum: 'a'.repeat(64), durationMs: 1 });
        await ds.query(`UPDATE backup SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [b.id, daysAgo]);
      }
      // The catalog as it was before this release.
      await ds.query(`DELETE FROM catalog_migrations WHERE name = $1`, [RETENTION_MAX_AGE_MIGRATION]);
    } finally {
      await ds.destroy();
    }

    const first = await migrate(url);
    assert.match(first, /the next prune of schedule "nightly" will delete 1 backup\(s\)/);
    assert.match(first, /will delete kanbu_backup_two-months-old\.sql\.gz: older than retentionDays \(30\)/);
    assert.doesNotMatch(first, /kanbu_backup_recent/);

    const second = await migrate(url);
    assert.match(second, /Catalog schema is up to date/);
    assert.doesNotMatch(second, /will delete/, 'the preview is logged once, when the migration is applied');
  });
});

import 'reflect-metadata';
import { createCatalogDataSource, runCatalogMigrations } from '../shared/catalog/data-source';
import { BackupRepository, ScheduleRepository } from '../shared/catalog/repositories';
import { logRetentionUpgradePreview, RETENTION_MAX_AGE_MIGRATION } from '../shared/jobs/retention-upgrade-preview';
import { loadConfigOrExit } from '../shared/config';
import { configureLogging, createLogger } from '../shared/logging';
import { ensureDatabase } from './lib/ensure-database';

/** `npm run migrate`: creates the catalog database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const logger = createLogger('Catalog');
  if (await ensureDatabase(config.CATALOG_DATABASE_URL)) logger.info('Created the catalog database');
  const dataSource = createCatalogDataSource({ url: config.CATALOG_DATABASE_URL, poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await runCatalogMigrations(dataSource);
    logger.info(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Catalog schema is up to date');
    if (applied.includes(RETENTION_MAX_AGE_MIGRATION)) {
      await logRetentionUpgradePreview({
        backups: new BackupRepository(dataSource),
        schedules: new ScheduleRepository(dataSource),
        defaultRetentionDays: config.BACKUP_RETENTION_DAYS,
        defaultTimeZone: config.BACKUP_CRON_TIMEZONE,
        logger: createLogger('Prune'),
      });
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  createLogger('Catalog').error(`Migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

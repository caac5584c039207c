import assert from 'node:assert/strict';
import { createCatalogDataSource, runCatalogMigrations } from '../../shared/catalog/data-source';
import { createTestCatalog } from '../../scripts/lib/catalog';

describe('catalog migrations', () => {
  it('create exactly the schema the entities describe', async () => {
    const url = await createTestCatalog();
    const ds = createCatalogDataSource({ url, poolSize: 1 });
    await ds.initialize();
    try {
      const pending = await ds.driver.createSchemaBuilder().log();
      assert.deepEqual(
        pending.upQueries.map((q) => q.query),
        [],
        'entities and migrations disagree; write a migration',
      );
      assert.deepEqual(await runCatalogMigrations(ds), [], 'running migrations twice applies nothing');
    } finally {
      await ds.destroy();
    }
  });

  it('can be rolled back completely', async () => {
    const url = await createTestCatalog();
    const ds = createCatalogDataSource({ url, poolSize: 1 });
    await ds.initialize();
    try {
      for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration();
      const tables = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'catalog_migrations'`);
      assert.deepEqual(tables, []);
    } finally {
      await ds.destroy();
    }
  });
});

import { createCatalogDataSource, runCatalogMigrations } from '../../shared/catalog/data-source';
import { createDatabase } from './services';

/** A new, migrated catalog database, so each test stack starts from an empty history. */
export async function createTestCatalog(): Promise<string> {
  const { url } = await createDatabase('kbt_catalog');
  const ds = createCatalogDataSource({ url, poolSize: 1 });
  await ds.initialize();
  await runCatalogMigrations(ds);
  await ds.destroy();
  return url;
}

import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CATALOG_ENTITIES } from './entities';
import { CATALOG_MIGRATIONS } from './migrations';

export interface CatalogOptions {
  url: string;
  /** Pool size; the API and each worker keep a few connections. */
  poolSize?: number;
}

/** The catalog connection. Schema changes only through migrations, never `synchronize`. */
export function createCatalogDataSource(options: CatalogOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: CATALOG_ENTITIES,
    migrations: CATALOG_MIGRATIONS,
    migrationsTableName: 'catalog_migrations',
    uuidExtension: 'pgcrypto',
    synchronize: false,
    logging: false,
    extra: { max: options.poolSize ?? 5, application_name: 'kanbu-backup' },
  });
}

export async function runCatalogMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

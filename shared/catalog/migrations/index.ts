import { InitialCatalog1763900000000 } from './1763900000000-initial-catalog';

/** Every catalog migration, oldest first. Add new ones at the end. */
export const CATALOG_MIGRATIONS = [InitialCatalog1763900000000];

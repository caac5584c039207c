import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../shared/config';

/** The smallest valid environment. */
export const BASE_ENV = {
  CATALOG_DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/catalog',
  BACKUP_ADMIN_API_KEY: 'admin-key-0123456789abcdef',
};

/** The message of the ConfigError `env` is refused with; fails the test if it is accepted. */
export function configProblems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the configuration to be refused');
}

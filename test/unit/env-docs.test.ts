import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEnv, renderEnvExample, withConfigTable } from '../../shared/config/env-docs';
import { loadConfig } from '../../shared/config';

const root = join(__dirname, '..', '..', '..');

describe('configuration documentation', () => {
  it('documents every variable the config class validates', () => {
    const documented = describeEnv()
      .map((v) => v.key)
      .sort();
    const config = loadConfig({ CATALOG_DATABASE_URL: 'postgres://h/db', BACKUP_ADMIN_API_KEY: 'x'.repeat(16) });
    const validated = Object.keys(config).concat([
      'DATABASE_URL',
      'BACKUP_TRIGGER_API_KEY',
      'BACKUP_ENCRYPTION_KEY',
      'BACKUP_ENCRYPTION_OLD_KEYS',
      'POSTGRES_CONTAINER',
    ]);
    for (const key of new Set(validated)) assert.ok(documented.includes(key), `${key} has no @Doc`);
  });

  it('.env.example is up to date (run npm run docs:config)', () => {
    assert.equal(readFileSync(join(root, '.env.example'), 'utf8'), renderEnvExample());
  });

  it('the README configuration table is up to date (run npm run docs:config)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.equal(readme, withConfigTable(readme));
  });

  it('marks the required variables', () => {
    const required = describeEnv()
      .filter((v) => v.required)
      .map((v) => v.key);
    assert.deepEqual(required.sort(), ['BACKUP_ADMIN_API_KEY', 'CATALOG_DATABASE_URL']);
  });
});

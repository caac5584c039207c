import assert from 'node:assert/strict';
import { backupLockResource, databaseLockResource, sourceLockResource } from '../../shared/queue/locks';

describe('lock resources', () => {
  it('name a database by server and database, whoever connects', () => {
    assert.equal(databaseLockResource('postgresql://kanbu:secret@DB.example.com:5433/kanbu?sslmode=require'), 'db:db.example.com:5433/kanbu');
    assert.equal(databaseLockResource('postgres://other@db.example.com:5433/kanbu'), 'db:db.example.com:5433/kanbu');
    assert.equal(databaseLockResource('postgres://db.example.com/kanbu'), 'db:db.example.com:5432/kanbu');
    assert.notEqual(databaseLockResource('postgres://h/kanbu'), databaseLockResource('postgres://h/kanbu_test'));
  });

  it('never put the password into the resource (it becomes a Redis key)', () => {
    assert.equal(databaseLockResource('postgresql://u:hunter2@h:5432/d').includes('hunter2'), false);
  });

  it('name a source directory by its absolute path', () => {
    assert.equal(sourceLockResource('/srv/kanbu/../kanbu/'), 'source:/srv/kanbu');
  });

  it('pick the resource of a backup type from the configuration', () => {
    const config = {
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/kanbu',
      KANBU_SOURCE_PATH: '/app',
      POSTGRES_CONTAINER: undefined,
      POSTGRES_CONTAINER_PATTERN: 'postgres',
    };
    assert.equal(backupLockResource(config, 'database'), 'db:127.0.0.1:5432/kanbu');
    assert.equal(backupLockResource(config, 'source'), 'source:/app');
    // Docker mode without DATABASE_URL: the database of the container, so backups and restores still exclude each other.
    assert.equal(backupLockResource({ ...config, DATABASE_URL: undefined }, 'database'), 'db:docker:~postgres');
    assert.equal(backupLockResource({ ...config, DATABASE_URL: undefined, POSTGRES_CONTAINER: 'kanbu-db' }, 'database'), 'db:docker:kanbu-db');
    assert.equal(backupLockResource({ ...config, DATABASE_URL: 'not a url' }, 'database'), null);
  });
});

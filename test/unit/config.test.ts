import assert from 'node:assert/strict';
import { loadConfig } from '../../shared/config';
import { redact } from '../../shared/logging';
import { BASE_ENV, configProblems } from '../helpers/config';

const base = BASE_ENV;
const problems = configProblems;

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    assert.equal(config.BACKUP_STORAGE, 'local');
    assert.equal(config.BACKUP_LOCAL_PATH, '/data/backups');
    assert.equal(config.BACKUP_PG_MODE, 'auto');
    assert.equal(config.BACKUP_SCHEDULER_MODE, 'internal');
    assert.equal(config.BACKUP_CRON_TIMEZONE, 'UTC');
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.PORT, 3000);
    assert.equal(config.WORKER_CONCURRENCY, 1);
    assert.equal(config.BACKUP_ENCRYPTION_KEY, undefined);
  });

  it('converts numbers and treats empty strings as unset', () => {
    const config = loadConfig({ ...base, PORT: '8080', WORKER_CONCURRENCY: '4', BACKUP_STORAGE: '' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.WORKER_CONCURRENCY, 4);
    assert.equal(config.BACKUP_STORAGE, 'local');
  });

  it('refuses an unknown BACKUP_STORAGE, naming the variable, the choices and the value', () => {
    const message = problems({ ...base, BACKUP_STORAGE: 'ftp' });
    assert.match(message, /BACKUP_STORAGE/);
    assert.match(message, /local, gdrive, s3/);
    assert.match(message, /"ftp"/);
  });

  it('refuses a REDIS_URL that is not a redis:// URL', () => {
    const message = problems({ ...base, REDIS_URL: 'localhost:6379' });
    assert.match(message, /REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\//);
  });

  it('refuses a non-numeric PORT', () => {
    assert.match(problems({ ...base, PORT: '80abc' }), /PORT/);
  });

  it('requires the catalog URL and the admin key', () => {
    const message = problems({});
    assert.match(message, /CATALOG_DATABASE_URL is required/);
    assert.match(message, /BACKUP_ADMIN_API_KEY is required/);
  });

  it('never echoes a secret value, even when it is invalid', () => {
    const message = problems({ ...base, BACKUP_ADMIN_API_KEY: 'short-secret' });
    assert.match(message, /BACKUP_ADMIN_API_KEY/);
    assert.doesNotMatch(message, /short-secret/);
  });

  it('masks passwords of URLs it reports', () => {
    const message = problems({ ...base, DATABASE_URL: 'mysql://kanbu:hunter22@db/kanbu' });
    assert.match(message, /DATABASE_URL/);
    assert.doesNotMatch(message, /hunter22/);
  });

  it('requires a trigger key when the trigger endpoint is on', () => {
    assert.match(problems({ ...base, BACKUP_SCHEDULER_MODE: 'external' }), /BACKUP_TRIGGER_API_KEY/);
    const config = loadConfig({ ...base, BACKUP_SCHEDULER_MODE: 'both', BACKUP_TRIGGER_API_KEY: 'trigger-key-0123456789' });
    assert.equal(config.BACKUP_SCHEDULER_MODE, 'both');
  });

  it('refuses an unknown time zone and an unknown worker queue', () => {
    assert.match(problems({ ...base, BACKUP_CRON_TIMEZONE: 'Mars/Olympus' }), /BACKUP_CRON_TIMEZONE/);
    assert.match(problems({ ...base, WORKER_QUEUES: 'backup,mail' }), /WORKER_QUEUES/);
  });

  it('refuses a catalog in the Kanbu database itself (a restore would roll the catalog back)', () => {
    const message = problems({
      ...base,
      DATABASE_URL: 'postgresql://kanbu:pw@DB.example:5432/kanbu',
      CATALOG_DATABASE_URL: 'postgresql://other@db.example/kanbu',
    });
    assert.match(message, /CATALOG_DATABASE_URL names the Kanbu database itself \(db\.example:5432\/kanbu\)/);
    loadConfig({
      ...base,
      DATABASE_URL: 'postgresql://kanbu:pw@db.example:5432/kanbu',
      CATALOG_DATABASE_URL: 'postgresql://kanbu:pw@db.example:5432/kanbu_backup',
    });
  });

  it('masks the password of a URL, also one containing "@", and leaves e-mail addresses alone', () => {
    assert.equal(redact('postgres://u:p@ss@host/db and ops@example.com'), 'postgres://u:***@host/db and ops@example.com');
    assert.equal(redact('redis://:redis-pass-123@cache.example:6379'), 'redis://:***@cache.example:6379');
  });

  it('registers secrets so logs mask them', () => {
    loadConfig({ ...base, BACKUP_ENCRYPTION_KEY: 'correct horse battery staple', BACKUP_ENCRYPTION_OLD_KEYS: 'old-key-one,old-key-two' });
    assert.equal(redact('key=correct horse battery staple'), 'key=***');
    assert.equal(redact('tried old-key-two'), 'tried ***');
  });
});

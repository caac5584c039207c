import assert from 'node:assert/strict';
import { startProcess } from '../helpers/processes';

const valid = {
  CATALOG_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  BACKUP_ADMIN_API_KEY: 'startup-test-admin-key-123456',
};

describe('start-up with a bad configuration', () => {
  for (const entry of ['services/api/main.js', 'services/worker/main.js']) {
    it(`${entry} stops with a message naming BACKUP_STORAGE`, async () => {
      const proc = startProcess(entry, { ...valid, BACKUP_STORAGE: 'ftp' });
      const code = await proc.exited;
      assert.equal(code, 78);
      assert.match(proc.output(), /Invalid configuration:\n {2}- BACKUP_STORAGE must be one of the following values: local, gdrive, s3 \(got "ftp"\)/);
    });

    it(`${entry} stops with a message naming REDIS_URL`, async () => {
      const proc = startProcess(entry, { ...valid, REDIS_URL: 'not a url' });
      assert.equal(await proc.exited, 78);
      assert.match(proc.output(), /REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\//);
    });
  }

  it('never prints the value of a bad secret', async () => {
    const proc = startProcess('services/api/main.js', { ...valid, BACKUP_ADMIN_API_KEY: 'tiny-secret' });
    assert.equal(await proc.exited, 78);
    assert.match(proc.output(), /BACKUP_ADMIN_API_KEY must be at least 16 characters long/);
    assert.equal(proc.output().includes('tiny-secret'), false);
  });

  it('a worker refuses an unknown queue', async () => {
    const proc = startProcess('services/worker/main.js', { ...valid, WORKER_QUEUES: 'backup,mail' });
    assert.equal(await proc.exited, 78);
    assert.match(proc.output(), /WORKER_QUEUES must be a comma-separated list of: all, backup, restore, verify, prune, notify/);
  });
});

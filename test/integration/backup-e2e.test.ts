import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { createDecryptStream } from '../../shared/engine/crypto/decrypt-stream';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { http } from '../helpers/http';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { freePort, ServiceProcess, startProcess } from '../helpers/processes';
import { createDatabase, withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, testEnv } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

const ENCRYPTION_KEY = 'an end-to-end test passphrase';

/** Collects a stream's bytes and their SHA-256 without keeping them twice. */
function collector() {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks), sha256: () => hash.digest('hex') };
}

describe('database backup end to end (API process → Redis → worker process → encrypted file → catalog)', function () {
  this.timeout(120_000);
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let baseUrl: string;
  let env: Record<string, string>;
  let source: { name: string; url: string };

  before(async () => {
    source = await createKanbuDatabase(2000);
    const port = await freePort();
    env = await testEnv({ DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: ENCRYPTION_KEY, PORT: String(port), LOG_LEVEL: 'info' });
    api = startProcess('services/api/main.js', env);
    worker = startProcess('services/worker/main.js', env);
    baseUrl = `http://127.0.0.1:${port}`;
    // Starting a Node process takes 20+ s on a 2-core machine at load 25; the hook's own limit is 120 s.
    await waitFor(async () => ((await http('GET', `${baseUrl}/readyz`)).status === 200 ? true : undefined), `API readiness\n${api.output()}`, 100_000);
  });

  after(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  it('backs up, and the file restores to identical data with psql', async () => {
    const accepted = await http('POST', `${baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    assert.match(accepted.body.executionId, /^[0-9a-f-]{36}$/);
    assert.equal(accepted.body.jobId, accepted.body.executionId);

    const job = await waitFor(
      async () => {
        const r = await http('GET', `${baseUrl}/api/jobs/${accepted.body.jobId}`, { token: ADMIN_KEY });
        return ['completed', 'failed'].includes(r.body?.state) ? r.body : undefined;
      },
      `the backup job\n${worker.output()}`,
      60_000,
    );
    assert.equal(job.state, 'completed', `${job.failedReason}\n${worker.output()}`);
    assert.equal(job.progress.percent, 100);
    assert.equal(job.queue, 'backup');

    const execution = (await http('GET', `${baseUrl}/api/executions/${accepted.body.executionId}`, { token: ADMIN_KEY })).body;
    assert.equal(execution.status, 'completed');
    assert.equal(execution.trigger, 'api');
    assert.ok(execution.durationMs >= 0);
    const backup = (await http('GET', `${baseUrl}/api/backups/${execution.backupId}`, { token: ADMIN_KEY })).body;
    assert.equal(backup.status, 'completed');
    assert.equal(backup.isEncrypted, true);
    assert.match(backup.filename, /^kanbu_backup_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.sql\.gz\.enc$/);
    assert.deepEqual(
      backup.copies.map((c: { target: string; status: string }) => [c.target, c.status]),
      [['local', 'completed']],
    );

    // Only the final file exists: no temporary leftovers.
    assert.deepEqual(await readdir(env.BACKUP_LOCAL_PATH), [backup.filename]);
    const path = join(env.BACKUP_LOCAL_PATH, backup.filename);
    const stored = await readFile(path);
    assert.equal(stored.length, backup.sizeBytes);
    assert.equal(stored.includes(Buffer.from('CREATE TABLE')), false, 'the stored file must not contain plaintext SQL');

    // Decrypt with the project's own code; the SHA-256 of the compressed bytes matches the catalog.
    const compressed = collector();
    await pipeline(createReadStream(path), createDecryptStream(KeyRing.fromConfig(ENCRYPTION_KEY)), compressed.sink);
    assert.equal(compressed.sha256(), backup.checksum);

    // gunzip and load into a fresh database with psql.
    const sql = collector();
    await pipeline(
      async function* () {
        yield compressed.bytes();
      },
      createGunzip(),
      sql.sink,
    );
    assert.equal(sql.bytes().length, backup.sourceBytes);
    const target = await createDatabase('kbt_restored');
    const psql = spawnSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-d', target.url], { input: sql.bytes(), encoding: 'utf8' });
    assert.equal(psql.status, 0, psql.stderr);

    assert.deepEqual(await rowCounts(target.url), await rowCounts(source.url));
    assert.deepEqual(await rowCounts(target.url), { projects: 10, tasks: 2000, users: 20 });
    for (const table of ['users', 'projects', 'tasks']) {
      assert.equal(await tableChecksum(target.url, table), await tableChecksum(source.url, table), `content of ${table}`);
    }
    const nextId = await withPg(target.url, async (c) => (await c.query(`SELECT nextval('tasks_id_seq') AS n`)).rows[0].n);
    assert.equal(Number(nextId), 2001, 'sequences are restored too');
  });

  it('lists the backup and streams its download with length, name and checksum headers', async () => {
    const list = await http('GET', `${baseUrl}/api/backups?type=database&status=completed`, { token: ADMIN_KEY });
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    const backup = list.body.items[0];
    const res = await fetch(`${baseUrl}/api/backups/${backup.id}/download`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(backup.sizeBytes));
    assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="?${backup.filename.replace(/\./g, '\\.')}"?$`));
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(body, await readFile(join(env.BACKUP_LOCAL_PATH, backup.filename)));
  });

  it('never puts secrets into logs or job data', async () => {
    const output = api.output() + worker.output();
    assert.ok(output.includes('[Backup]'), 'the worker logs with the [Backup] tag');
    for (const secret of [ENCRYPTION_KEY, ADMIN_KEY]) assert.equal(output.includes(secret), false, 'secret found in logs');
    const jobs = (await http('GET', `${baseUrl}/api/executions?kind=backup`, { token: ADMIN_KEY })).body.items;
    const job = await http('GET', `${baseUrl}/api/jobs/${jobs[0].jobId}`, { token: ADMIN_KEY });
    assert.equal(JSON.stringify(job.body).includes(ENCRYPTION_KEY), false);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../shared/config';
import type { BackupType, Compression } from '../../shared/domain/types';
import { PsqlSink } from '../../shared/engine/apply/psql.sink';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { decodeBackup, storedObjectInput } from '../../shared/engine/decode-pipeline';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { backupDeps } from '../../shared/runtime/use-case-deps';
import { createBackup } from '../../shared/jobs/create-backup';
import { configureLogging, createLogger } from '../../shared/logging';
import { createRuntime, Runtime } from '../../shared/runtime/runtime';
import { decodeToBuffer, memoryInput } from '../helpers/decode';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { legacyEncrypt } from '../helpers/legacy-file';
import { createDatabase } from '../../scripts/lib/services';
import { createSourceTree, EXCLUDED_PATHS, snapshotTree } from '../helpers/source-tree';
import { clearQueuePrefix, testEnv } from '../../scripts/lib/stack';

const ENCRYPTIONS = {
  none: undefined,
  'raw key': 'a1'.repeat(32),
  passphrase: 'round trip passphrase',
} as const;

describe('backup round trips: every source × compression × encryption', function () {
  this.timeout(120_000);
  let runtime: Runtime;
  let kanbu: { name: string; url: string };
  let work: string;
  let tree: string;

  before(async () => {
    kanbu = await createKanbuDatabase(1500);
    work = await mkdtemp(join(tmpdir(), 'kbt-roundtrip-'));
    tree = join(work, 'kanbu');
    await writeFile(join(work, 'secret'), 'outside\n');
    await createSourceTree(tree, join(work, 'secret'));
    const env = await testEnv({ DATABASE_URL: kanbu.url, KANBU_SOURCE_PATH: tree, BACKUP_SOURCE_EXCLUDE: '*.tmp,docs/private' });
    const config = loadConfig(env);
    configureLogging({ level: config.LOG_LEVEL, format: 'text' });
    runtime = await createRuntime(config, 'worker');
  });
  after(async () => {
    await clearQueuePrefix(runtime).catch(() => undefined);
    await runtime?.close();
    await rm(runtime.config.BACKUP_LOCAL_PATH, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  async function backUp(type: BackupType, compression: Compression, key: string | undefined) {
    const keys = KeyRing.fromConfig(key);
    const deps = { ...backupDeps(runtime, createLogger('Backup')), compression, keys };
    const backup = await createBackup(deps, { type, trigger: 'cli' });
    assert.equal(backup.status, 'completed');
    assert.equal(backup.compression, compression);
    assert.equal(backup.encrypted, key !== undefined);
    assert.equal(backup.encryptionKeyId, keys.current?.id ?? null);
    const ext = `${type === 'database' ? 'sql' : 'tar'}.${compression === 'gzip' ? 'gz' : 'zst'}${key ? '.enc' : ''}`;
    assert.ok(backup.filename.endsWith(`.${ext}`), backup.filename);
    const input = storedObjectInput(runtime.storage, backup.filename, backup.sizeBytes!);
    return { backup, keys, input };
  }

  for (const compression of ['gzip', 'zstd'] as const) {
    for (const [encryption, key] of Object.entries(ENCRYPTIONS)) {
      it(`database, ${compression}, ${encryption}: restores to identical tables`, async () => {
        const { backup, keys, input } = await backUp('database', compression, key);
        const target = await createDatabase('kbt_rt');
        const result = await decodeBackup(input, new PsqlSink(parsePostgresUrl(target.url)), {
          keys,
          expectedSha256: backup.checksum,
          encrypted: backup.encrypted,
          output: 'plain',
        });
        assert.equal(result.compression, compression);
        assert.equal(result.encryption, key ? 'v2' : 'none');
        assert.equal(result.plainBytes, backup.sourceBytes);
        assert.deepEqual(await rowCounts(target.url), { projects: 10, tasks: 1500, users: 20 });
        for (const table of ['users', 'projects', 'tasks']) assert.equal(await tableChecksum(target.url, table), await tableChecksum(kanbu.url, table));
      });

      it(`source, ${compression}, ${encryption}: extracts with system tar to the tree minus the exclusions`, async () => {
        const { backup, keys, input } = await backUp('source', compression, key);
        const { output } = await decodeToBuffer(input, { keys, expectedSha256: backup.checksum, encrypted: backup.encrypted, output: 'plain' });
        const out = join(work, `extract-${backup.id}`);
        await mkdir(out);
        const tar = spawnSync('tar', ['-x', '-f', '-', '-C', out], { input: output, encoding: 'utf8' });
        assert.equal(tar.status, 0, tar.stderr);
        assert.equal(tar.stderr, '', 'GNU tar reads the archive without a single warning');
        const expected = await snapshotTree(tree);
        for (const path of Object.keys(expected)) if (EXCLUDED_PATHS.some((x) => path === x || path.startsWith(`${x}/`))) delete expected[path];
        assert.deepEqual(await snapshotTree(out), expected);
      });
    }
  }

  it('an unencrypted .sql.gz restores with nothing but gunzip | psql', async () => {
    const { backup } = await backUp('database', 'gzip', undefined);
    const target = await createDatabase('kbt_rt_shell');
    const file = runtime.storage.describe(backup.filename);
    const shell = spawnSync('sh', ['-c', `gunzip -c "$1" | psql -X -q -v ON_ERROR_STOP=1 -d "$2" >/dev/null`, 'sh', file, target.url], { encoding: 'utf8' });
    assert.equal(shell.status, 0, shell.stderr);
    assert.deepEqual(await rowCounts(target.url), await rowCounts(kanbu.url));
    assert.equal(await tableChecksum(target.url, 'tasks'), await tableChecksum(kanbu.url, 'tasks'));
  });

  it("a legacy-format backup of Kanbu's own backup function restores through the same path", async () => {
    const { backup } = await backUp('database', 'gzip', undefined);
    const compressed = await readFile(runtime.storage.describe(backup.filename));
    const target = await createDatabase('kbt_rt_legacy');
    const result = await decodeBackup(memoryInput(legacyEncrypt(compressed, 'the old kanbu passphrase')), new PsqlSink(parsePostgresUrl(target.url)), {
      keys: KeyRing.fromConfig('a newer key', 'the old kanbu passphrase'),
      expectedSha256: backup.checksum,
      output: 'plain',
    });
    assert.equal(result.encryption, 'legacy');
    assert.deepEqual(await rowCounts(target.url), await rowCounts(kanbu.url));
  });

  it('a failing upstream kills psql before it sees an end of input: nothing is committed', async () => {
    const target = await createDatabase('kbt_rt_partial');
    const sql = Buffer.from('CREATE TABLE half_restored (id int);\nINSERT INTO half_restored VALUES (1);\n');
    const broken = new Readable({
      read() {
        this.push(sql);
        this.destroy(new Error('upstream failed mid-way'));
      },
    });
    const { pipeline } = await import('node:stream/promises');
    await assert.rejects(pipeline(broken, new PsqlSink(parsePostgresUrl(target.url))), /upstream failed mid-way/);
    const tables = spawnSync('psql', ['-X', '-t', '-A', '-d', target.url, '-c', "SELECT count(*) FROM pg_tables WHERE tablename = 'half_restored'"], {
      encoding: 'utf8',
    });
    assert.equal(tables.stdout.trim(), '0');
  });
});

import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { isTransientPgError } from '../../shared/engine/sources/pg-dump-errors';
import { PgDumpDirectSource } from '../../shared/engine/sources/pg-dump.source';
import { parsePostgresUrl } from '../../shared/config/postgres-url';

describe('pg_dump direct source', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbt-pgdump-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes every connection part from DATABASE_URL and keeps the password out of argv', async () => {
    const fake = join(dir, 'pg_dump');
    await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nenv | grep '^PG' | sort > "${dir}/env"\necho "-- dump"\n`);
    await chmod(fake, 0o755);
    const conn = parsePostgresUrl('postgresql://kanbu_app:p%40ss%3Aword@db.internal:6543/kanbu_prod?sslmode=require');
    // Port 1 is closed: facts are best-effort, the dump itself runs the fake binary.
    const source = new PgDumpDirectSource({ ...conn, host: '127.0.0.1', port: 1 }, fake);
    const opened = await source.open();
    assert.equal(await text(opened.stream), '-- dump\n');
    const argv = await readFile(join(dir, 'argv'), 'utf8');
    const env = await readFile(join(dir, 'env'), 'utf8');
    assert.equal(argv.includes('p@ss:word'), false);
    assert.match(argv, /--format=plain/);
    assert.match(env, /^PGPASSWORD=p@ss:word$/m);
    assert.match(env, /^PGUSER=kanbu_app$/m);
    assert.match(env, /^PGDATABASE=kanbu_prod$/m);
    assert.match(env, /^PGPORT=1$/m);
    assert.match(env, /^PGSSLMODE=require$/m);
  });

  it("parses URLs without defaults beyond libpq's own", () => {
    assert.deepEqual(parsePostgresUrl('postgres://u@h/db'), { host: 'h', port: 5432, user: 'u', password: undefined, database: 'db', sslmode: undefined });
    assert.throws(() => parsePostgresUrl('postgres://u@h'), /does not name a database/);
  });

  it('retries connection problems, not authentication or missing databases', () => {
    assert.equal(isTransientPgError('pg_dump: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused'), true);
    assert.equal(isTransientPgError('FATAL:  the database system is starting up'), true);
    assert.equal(isTransientPgError('FATAL:  password authentication failed for user "kanbu"'), false);
    assert.equal(isTransientPgError('FATAL:  database "nope" does not exist'), false);
  });
});

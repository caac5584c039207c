import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PsqlSink } from '../../shared/engine/apply/psql.sink';
import { PgDumpAutoSource } from '../../shared/engine/sources/pg-dump-auto.source';
import { PgDumpDockerSource } from '../../shared/engine/sources/pg-dump-docker.source';
import { PG_DUMP_ARGS, PgDumpDirectSource } from '../../shared/engine/sources/pg-dump.source';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { ErrorCode } from '../../shared/errors';
import { createFakeDocker, FakeDocker } from '../helpers/fake-docker';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { createDatabase } from '../../scripts/lib/services';
import { appErrorFrom } from '../helpers/app-error';

const DUMP = PG_DUMP_ARGS.join(' ');
const LABEL_QUERIES = [
  'ps --filter label=kanbu.backup.postgres=true --format {{.Names}}',
  'ps --filter label=com.docker.compose.service=postgres --format {{.Names}}',
  'ps --filter name=kanbu-postgres --format {{.Names}}',
];
const SIZE_QUERY = 'psql -X -q -t -A -c SELECT pg_database_size(current_database())';

/** Loads what a source produced into a new database and checks it equals the source database. */
async function assertRestoresTo(source: { url: string }, stream: Readable) {
  const target = await createDatabase('kbt_docker_restored');
  await pipeline(stream, new PsqlSink(parsePostgresUrl(target.url)));
  assert.deepEqual(await rowCounts(target.url), await rowCounts(source.url));
  assert.equal(await tableChecksum(target.url, 'tasks'), await tableChecksum(source.url, 'tasks'));
}

describe('docker mode (a fake docker CLI first on PATH)', () => {
  let kanbu: { name: string; url: string };
  let fake: FakeDocker | undefined;
  const originalPath = process.env.PATH;

  before(async () => {
    kanbu = await createKanbuDatabase(300);
  });
  afterEach(async () => {
    process.env.PATH = originalPath;
    await fake?.remove();
    fake = undefined;
  });

  async function useFakeDocker(answers: Parameters<typeof createFakeDocker>[0]) {
    fake = await createFakeDocker(answers);
    process.env.PATH = `${fake.dir}:${originalPath}`;
    return fake;
  }

  it('looks by label, then compose label, then name pattern, and dumps with the password only in the environment', async () => {
    const docker = await useFakeDocker({ ps: { 'name=kanbu-pg': ['kanbu-pg-1'] } });
    const conn = { ...parsePostgresUrl(kanbu.url), password: 'S3cret-pw!' };
    const source = new PgDumpDockerSource({ pattern: 'kanbu-pg', conn });
    const opened = await source.open();
    assert.deepEqual(opened.facts, { mode: 'docker', container: 'kanbu-pg-1', foundBy: 'name pattern "kanbu-pg"', database: kanbu.name });
    await assertRestoresTo(kanbu, opened.stream);

    const flags = '-e PGUSER -e PGDATABASE -e PGAPPNAME -e PGPASSWORD';
    assert.deepEqual(await docker.calls(), [
      ...LABEL_QUERIES,
      'ps --filter name=kanbu-pg --format {{.Names}}',
      `exec ${flags} kanbu-pg-1 ${SIZE_QUERY}`,
      `exec ${flags} kanbu-pg-1 pg_dump ${DUMP}`,
    ]);
    assert.equal((await docker.calls()).join('\n').includes('S3cret-pw!'), false, 'the password is never in argv');
    const envs = await docker.execEnvs();
    assert.equal(envs.length, 2);
    for (const env of envs) assert.equal(env, `PGUSER=postgres\nPGDATABASE=${kanbu.name}\nPGAPPNAME=kanbu-backup\nPGPASSWORD=S3cret-pw!\n`);
    assert.ok(opened.estimatedBytes && opened.estimatedBytes > 0, 'the size query ran in the container');
  });

  it('stops at the first label that matches, and takes user and database from the container without DATABASE_URL', async () => {
    const docker = await useFakeDocker({
      ps: { 'label=kanbu.backup.postgres=true': ['db-labelled'] },
      env: { 'db-labelled': ['PATH=/usr/bin', 'POSTGRES_USER=postgres', `POSTGRES_DB=${kanbu.name}`, 'POSTGRES_PASSWORD=in-container-only'] },
    });
    const opened = await new PgDumpDockerSource({ pattern: 'postgres' }).open();
    await assertRestoresTo(kanbu, opened.stream);
    assert.deepEqual(await docker.calls(), [
      LABEL_QUERIES[0],
      'inspect --type container --format {{json .Config.Env}} db-labelled',
      `exec -e PGUSER -e PGDATABASE -e PGAPPNAME db-labelled ${SIZE_QUERY}`,
      `exec -e PGUSER -e PGDATABASE -e PGAPPNAME db-labelled pg_dump ${DUMP}`,
    ]);
    assert.equal((await docker.execEnvs())[1], `PGUSER=postgres\nPGDATABASE=${kanbu.name}\nPGAPPNAME=kanbu-backup\n`);
  });

  it('uses POSTGRES_CONTAINER without searching, and refuses it when it is not running', async () => {
    const docker = await useFakeDocker({ running: { 'my-db': true, 'stopped-db': false } });
    const conn = parsePostgresUrl(kanbu.url);
    const opened = await new PgDumpDockerSource({ container: 'my-db', pattern: 'postgres', conn }).open();
    await assertRestoresTo(kanbu, opened.stream);
    assert.deepEqual((await docker.calls()).slice(0, 2), [
      'inspect --type container --format {{.State.Running}} my-db',
      `exec -e PGUSER -e PGDATABASE -e PGAPPNAME -e PGPASSWORD my-db ${SIZE_QUERY}`,
    ]);
    const stopped = await appErrorFrom(new PgDumpDockerSource({ container: 'stopped-db', pattern: 'postgres', conn }).open());
    assert.match(stopped.message, /POSTGRES_CONTAINER=stopped-db is not running/);
    const missing = await appErrorFrom(new PgDumpDockerSource({ container: 'ghost', pattern: 'postgres', conn }).open());
    assert.match(missing.message, /POSTGRES_CONTAINER=ghost does not exist/);
  });

  it("finds the user guide's kanbu-postgres by its exact name before the pattern, which alone would be ambiguous", async () => {
    const docker = await useFakeDocker({
      ps: { 'name=kanbu-postgres': ['kanbu-postgres-old', 'kanbu-postgres'], 'name=postgres': ['kanbu-postgres-old', 'kanbu-postgres'] },
      env: { 'kanbu-postgres': ['POSTGRES_USER=postgres', `POSTGRES_DB=${kanbu.name}`] },
    });
    const opened = await new PgDumpDockerSource({ pattern: 'postgres' }).open();
    assert.equal(opened.facts.container, 'kanbu-postgres');
    assert.equal(opened.facts.foundBy, 'name kanbu-postgres');
    opened.stream.destroy();
    assert.deepEqual((await docker.calls()).slice(0, 3), LABEL_QUERIES);
    await docker.remove();
    await useFakeDocker({ ps: { 'name=kanbu-postgres': ['kanbu-postgres-old'], 'name=postgres': ['kanbu-postgres-old'] } });
    const fallback = await new PgDumpDockerSource({ pattern: 'postgres', conn: parsePostgresUrl(kanbu.url) }).open();
    assert.equal(fallback.facts.foundBy, 'name pattern "postgres"', 'a name that merely contains kanbu-postgres is not the step');
    fallback.stream.destroy();
  });

  it('refuses to guess between two matching containers', async () => {
    await useFakeDocker({ ps: { 'label=com.docker.compose.service=postgres': ['a-postgres-1', 'b-postgres-1'] } });
    const err = await appErrorFrom(new PgDumpDockerSource({ pattern: 'postgres' }).open());
    assert.match(
      err.message,
      /2 running containers match the label com.docker.compose.service=postgres \(a-postgres-1, b-postgres-1\); set POSTGRES_CONTAINER/,
    );
  });

  it('names everything it tried when no container is found', async () => {
    await useFakeDocker({});
    const err = await appErrorFrom(new PgDumpDockerSource({ pattern: 'nothing-matches' }).open());
    assert.equal(err.code, ErrorCode.SourceFailed);
    assert.equal(
      err.message,
      'Docker mode: PostgreSQL container not found. Tried: POSTGRES_CONTAINER (not set); label kanbu.backup.postgres=true (no running container); ' +
        'label com.docker.compose.service=postgres (no running container); name kanbu-postgres (no running container); ' +
        'name pattern "nothing-matches" (POSTGRES_CONTAINER_PATTERN; no running container). ' +
        "Set POSTGRES_CONTAINER to the container's name",
    );
  });

  it('auto mode: direct when DATABASE_URL answers, docker when it does not, both reasons when neither works', async () => {
    const docker = await useFakeDocker({ ps: { 'name=postgres': ['pg'] } });
    const conn = parsePostgresUrl(kanbu.url);
    const dockerSource = new PgDumpDockerSource({ pattern: 'postgres', conn });
    const direct = await new PgDumpAutoSource(new PgDumpDirectSource(conn), dockerSource).open();
    assert.equal(direct.facts.mode, 'direct');
    direct.stream.destroy();
    assert.deepEqual(await docker.calls(), [], 'docker is not asked when the database answers');

    const unreachable = new PgDumpDirectSource({ ...conn, host: '127.0.0.1', port: 1 });
    const viaDocker = await new PgDumpAutoSource(unreachable, dockerSource).open();
    assert.equal(viaDocker.facts.mode, 'docker');
    await assertRestoresTo(kanbu, viaDocker.stream);

    await useFakeDocker({});
    const neither = await appErrorFrom(new PgDumpAutoSource(unreachable, new PgDumpDockerSource({ pattern: 'postgres', conn })).open());
    assert.match(
      neither.message,
      /^BACKUP_PG_MODE=auto found no database to back up: DATABASE_URL \(127.0.0.1:1\) is not reachable: .*ECONNREFUSED.*, and docker mode failed: PostgreSQL container not found/,
    );
    assert.equal(neither.retryable, true, 'an unreachable server may come back');
  });
});

describe('pg_dump version check (direct mode)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbt-pgver-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses a pg_dump older than the server before dumping, naming both versions and what to install', async () => {
    const kanbu = await createKanbuDatabase(10);
    const fake = join(dir, 'pg_dump');
    await writeFile(fake, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 9.6.24"; exit 0; fi\necho dumped > ${dir}/ran\n`);
    await chmod(fake, 0o755);
    const err = await appErrorFrom(new PgDumpDirectSource(parsePostgresUrl(kanbu.url), fake).open());
    assert.equal(err.code, ErrorCode.SourceFailed);
    assert.equal(err.retryable, false);
    assert.match(err.message, /pg_dump version mismatch: pg_dump 9\.6 cannot dump the PostgreSQL 1\d\.\d+ .*server, which is newer/);
    assert.match(err.message, /apt-get install postgresql-client-1\d/);
    assert.match(err.message, /BACKUP_PG_MODE=docker/);
    assert.equal(existsSync(join(dir, 'ran')), false, 'the dump never started');
  });
});

import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { BenchDataShape, copyLine, isoDate, Random } from './text-generator';

export { BENCH_DATA_SHAPES } from './text-generator';
export type { BenchDataShape };

/** Bumped whenever the generated data changes, so cached databases are rebuilt. */
const GENERATOR_VERSION = 3;

/** Rows per unit of scale; at scale 1 the plain dump is about 1 GB. */
const ROWS_PER_SCALE = { users: 2_000, projects: 4_000, tasks: 270_000, comments: 820_000, activity: 900_000 };

const SCHEMA = `
  CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, bio text, created_at timestamptz NOT NULL);
  CREATE TABLE projects (id int PRIMARY KEY, owner_id int NOT NULL REFERENCES users(id), title text NOT NULL, description text, settings jsonb NOT NULL);
  CREATE TABLE tasks (id bigint PRIMARY KEY, project_id int NOT NULL REFERENCES projects(id), title text NOT NULL, description text,
                      position double precision NOT NULL, done boolean NOT NULL, due date, labels text[] NOT NULL, created_at timestamptz NOT NULL);
  CREATE TABLE comments (id bigint PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks(id), author_id int NOT NULL REFERENCES users(id),
                         body text NOT NULL, created_at timestamptz NOT NULL);
  CREATE TABLE activity (id bigint PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks(id), kind text NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL);
`;
const INDEXES = `
  CREATE INDEX tasks_project_idx ON tasks(project_id, position);
  CREATE INDEX comments_task_idx ON comments(task_id, created_at);
  CREATE INDEX activity_task_idx ON activity(task_id, at);
  CREATE TABLE bench_meta (version int NOT NULL, scale double precision NOT NULL, data text NOT NULL);
`;

const KINDS = ['moved', 'assigned', 'commented', 'labelled', 'estimated', 'renamed', 'completed', 'reopened'];

function rows(scale: number): Record<keyof typeof ROWS_PER_SCALE, number> {
  const out = {} as Record<keyof typeof ROWS_PER_SCALE, number>;
  for (const [table, perScale] of Object.entries(ROWS_PER_SCALE)) out[table as keyof typeof ROWS_PER_SCALE] = Math.max(5, Math.round(perScale * scale));
  return out;
}

function* tableLines(table: keyof typeof ROWS_PER_SCALE, n: ReturnType<typeof rows>, shape: BenchDataShape): Generator<string> {
  const random = new Random(0x5eed + table.length * 7919, shape);
  for (let id = 1; id <= n[table]; id++) {
    if (table === 'users')
      yield copyLine([id, `user${id}@kanbu.example`, `${random.zipfWord()} ${random.zipfWord()}`, random.paragraph(40, 400), isoDate(random, 2024)]);
    if (table === 'projects') {
      const settings = JSON.stringify({
        color: `#${random.int(0xffffff).toString(16).padStart(6, '0')}`,
        wipLimit: random.int(10),
        archived: random.int(5) === 0,
      });
      yield copyLine([id, 1 + random.int(n.users), random.sentence(3 + random.int(4)), random.paragraph(100, 1500), settings]);
    }
    if (table === 'tasks') {
      const labels = `{${Array.from({ length: random.int(4) }, () => `"${random.zipfWord()}"`).join(',')}}`;
      yield copyLine([
        id,
        1 + random.int(n.projects),
        random.sentence(4 + random.int(8)),
        random.paragraph(200, 2400),
        id * 1.5,
        random.int(3) === 0,
        isoDate(random, 2026).slice(0, 10),
        labels,
        isoDate(random),
      ]);
    }
    if (table === 'comments') yield copyLine([id, 1 + random.int(n.tasks), 1 + random.int(n.users), random.paragraph(60, 900), isoDate(random)]);
    if (table === 'activity') {
      const payload = JSON.stringify({ from: random.zipfWord(), to: random.zipfWord(), by: 1 + random.int(n.users), note: random.sentence(3 + random.int(6)) });
      yield copyLine([id, 1 + random.int(n.tasks), KINDS[random.int(KINDS.length)], payload, isoDate(random)]);
    }
  }
}

/** Batches lines into ~256 KiB chunks for psql's COPY FROM STDIN. */
async function* chunks(lines: Iterable<string>): AsyncGenerator<Buffer> {
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length >= 256 * 1024) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

async function copyInto(url: string, table: string, data: Readable): Promise<void> {
  const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', `COPY ${table} FROM STDIN`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  psql.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => psql.on('close', resolve));
  await pipeline(data, psql.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`COPY ${table} failed: ${stderr.trim()}`);
}

export async function databaseIsCurrent(url: string, scale: number, shape: BenchDataShape): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    // Databases generated before there were data shapes have no `data` column: they hold `text`.
    const { rows: meta } = await client.query<{ version: number; scale: number; data: string | null }>(
      `SELECT version, scale, to_jsonb(m)->>'data' AS data FROM bench_meta m`,
    );
    return meta.length === 1 && meta[0].version === GENERATOR_VERSION && meta[0].scale === scale && (meta[0].data ?? 'text') === shape;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fills an empty database with the benchmark data (tables, rows, then indexes and statistics). */
export async function generateDatabase(url: string, scale: number, shape: BenchDataShape, log: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(SCHEMA);
    const n = rows(scale);
    for (const table of Object.keys(ROWS_PER_SCALE) as Array<keyof typeof ROWS_PER_SCALE>) {
      log(`  ${table}: ${n[table]} rows`);
      await copyInto(url, table, Readable.from(chunks(tableLines(table, n, shape))));
    }
    await client.query(INDEXES);
    await client.query('INSERT INTO bench_meta (version, scale, data) VALUES ($1, $2, $3)', [GENERATOR_VERSION, scale, shape]);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

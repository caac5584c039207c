import { createDatabase, withPg } from '../../scripts/lib/services';

/**
 * A small Kanbu-like database: users, projects, tasks with text, JSON and
 * timestamps, plus a sequence and an index, so a dump/restore round trip
 * exercises more than one plain table.
 */
export async function createKanbuDatabase(rows = 500): Promise<{ name: string; url: string }> {
  const db = await createDatabase('kbt_kanbu');
  await withPg(db.url, async (c) => {
    await c.query(`
      CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE projects (id serial PRIMARY KEY, owner_id int NOT NULL REFERENCES users(id), title text NOT NULL, settings jsonb NOT NULL DEFAULT '{}');
      CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id int NOT NULL REFERENCES projects(id), title text NOT NULL,
                          description text, position double precision NOT NULL, done boolean NOT NULL DEFAULT false,
                          due date, labels text[] NOT NULL DEFAULT '{}');
      CREATE INDEX tasks_project_idx ON tasks(project_id, position);
    `);
    await c.query(`INSERT INTO users (email, name) SELECT 'user' || i || '@kanbu.test', 'User ' || i FROM generate_series(1, 20) i`);
    await c.query(`INSERT INTO projects (owner_id, title, settings)
                   SELECT 1 + (i % 20), 'Project ' || i, jsonb_build_object('color', 'c' || i, 'archived', i % 3 = 0) FROM generate_series(1, 10) i`);
    await c.query(
      `INSERT INTO tasks (project_id, title, description, position, done, due, labels)
       SELECT 1 + (i % 10), 'Task ' || i, repeat('Lorem ipsum dolor sit amet ' || i || E'\\n', 1 + i % 7), i * 1.5, i % 4 = 0,
              DATE '2026-01-01' + (i % 90), ARRAY['l' || (i % 5), 'quote''s "tricky" \\ label']
       FROM generate_series(1, $1::int) i`,
      [rows],
    );
  });
  return db;
}

/** Row count per table of the public schema. */
export async function rowCounts(url: string): Promise<Record<string, number>> {
  return withPg(url, async (c) => {
    const tables = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const counts: Record<string, number> = {};
    for (const { t } of tables.rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`);
      counts[t] = Number(r.rows[0].n);
    }
    return counts;
  });
}

/** md5 over a table's rows in primary-key order: equal content ⇔ equal checksum. */
export async function tableChecksum(url: string, table: string): Promise<string> {
  return withPg(url, async (c) => {
    const r = await c.query<{ md5: string }>(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS md5 FROM "${table}" t`);
    return r.rows[0].md5;
  });
}

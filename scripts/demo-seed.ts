import 'reflect-metadata';
import { Client } from 'pg';
import { ensureDatabase } from './lib/ensure-database';

/**
 * Creates and fills the demo "kanbu" database (DATABASE_URL) once: workspaces,
 * users, projects, tasks and comments, a few megabytes of text-heavy data.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  await ensureDatabase(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('public.tasks') IS NOT NULL AS ok`);
    if (exists.rows[0].ok) {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM tasks');
      process.stdout.write(`[demo] Demo database already has ${rows[0].n} tasks\n`);
      return;
    }
    await client.query(`
      BEGIN;
      CREATE TABLE workspaces (id serial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE users (id serial PRIMARY KEY, workspace_id int NOT NULL REFERENCES workspaces(id), email text NOT NULL UNIQUE, display_name text NOT NULL);
      CREATE TABLE projects (id serial PRIMARY KEY, workspace_id int NOT NULL REFERENCES workspaces(id), title text NOT NULL, settings jsonb NOT NULL DEFAULT '{}');
      CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id int NOT NULL REFERENCES projects(id), assignee_id int REFERENCES users(id),
                          title text NOT NULL, description text, status text NOT NULL, position double precision NOT NULL,
                          labels text[] NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE comments (id bigserial PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                             author_id int NOT NULL REFERENCES users(id), body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX tasks_project_position ON tasks(project_id, position);
      CREATE INDEX comments_task ON comments(task_id);
      INSERT INTO workspaces (name) SELECT 'Workspace ' || i FROM generate_series(1, 3) i;
      INSERT INTO users (workspace_id, email, display_name) SELECT 1 + i % 3, 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, 60) i;
      INSERT INTO projects (workspace_id, title, settings) SELECT 1 + i % 3, 'Project ' || i, jsonb_build_object('color', '#' || lpad(to_hex(i * 99999), 6, '0')) FROM generate_series(1, 24) i;
      INSERT INTO tasks (project_id, assignee_id, title, description, status, position, labels)
        SELECT 1 + i % 24, 1 + i % 60, 'Task ' || i || ': ' || md5(i::text),
               repeat('As a user I want feature ' || i || ' so that the board stays tidy. ', 1 + i % 9),
               (ARRAY['todo', 'doing', 'review', 'done'])[1 + i % 4], i * 1.25, ARRAY['label' || i % 7]
        FROM generate_series(1, 8000) i;
      INSERT INTO comments (task_id, author_id, body)
        SELECT 1 + i % 8000, 1 + i % 60, 'Comment ' || i || ' — ' || repeat(md5((i * 7)::text) || ' ', 1 + i % 5) FROM generate_series(1, 20000) i;
      COMMIT;
    `);
    process.stdout.write('[demo] Created the demo database: 3 workspaces, 60 users, 24 projects, 8000 tasks, 20000 comments\n');
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  process.stderr.write(`[demo] Could not prepare the demo database: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

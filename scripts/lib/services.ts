import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the real services of the test machine are (scripts/services.sh makes them reachable). */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const created = new Set<string>();

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withPg<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database; dropped by the root hook after the run. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = uniqueName(prefix);
  await withPg(PG_ADMIN_URL, (c) => c.query(`CREATE DATABASE "${name}"`));
  created.add(name);
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withPg(PG_ADMIN_URL, async (c) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await c.query(`DROP DATABASE IF EXISTS "${name}"`);
  });
  created.delete(name);
}

/** Marks a database created outside createDatabase (e.g. by a restore) for cleanup. */
export function trackDatabase(name: string): void {
  created.add(name);
}

export async function dropCreatedDatabases(): Promise<void> {
  for (const name of [...created]) await dropDatabase(name).catch(() => undefined);
}

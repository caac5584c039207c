import { readdir } from 'node:fs/promises';
import { Client } from 'pg';
import { PARTIAL_PREFIX } from '../../shared/engine/storage/local.storage';

/**
 * Holds an ACCESS EXCLUSIVE lock on `table`, so a pg_dump of the database waits
 * for it: a backup that is "mid-dump" for as long as the test needs.
 */
export async function blockDumps(url: string, table = 'tasks'): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

/** The temporary files of writes in progress (or left behind) in a backup directory. */
export async function partialFiles(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.startsWith(PARTIAL_PREFIX));
}

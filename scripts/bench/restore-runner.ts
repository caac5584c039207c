import 'reflect-metadata';
import { loadPartialConfig } from '../../shared/config';
import { PsqlSink } from '../../shared/engine/apply/psql.sink';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { decodeBackup, fileInput } from '../../shared/engine/decode-pipeline';
import { parsePostgresUrl } from '../../shared/config/postgres-url';

/**
 * The benchmark's restore row: the project's decode path (decrypt, SHA-256
 * checked against the catalog's, gunzip) into psql, as a process of its own so
 * its peak memory can be measured. Usage: restore-runner <file> <database url> <sha256>
 */
async function main(): Promise<void> {
  const [file, url, sha256] = process.argv.slice(2);
  const config = loadPartialConfig(['BACKUP_ENCRYPTION_KEY', 'BACKUP_ENCRYPTION_OLD_KEYS']);
  const keys = KeyRing.fromConfig(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_OLD_KEYS);
  const result = await decodeBackup(await fileInput(file), new PsqlSink(parsePostgresUrl(url)), { keys, expectedSha256: sha256, output: 'plain' });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

import { join } from 'node:path';

/**
 * The demo's client half: waits for the API, asks for a database backup over
 * HTTP as the admin UI would, follows the job's progress and prints the result.
 */
const base = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const key = process.env.BACKUP_ADMIN_API_KEY ?? '';
const auth = { authorization: `Bearer ${key}` };

/** The fields of GET /api/jobs/:id, /api/executions/:id and /api/backups/:id this demo reads. */
interface JobBody {
  state: string;
  progress?: { stage?: string; percent?: number };
  failedReason?: string;
}
interface ExecutionBody {
  backupId: string;
}
interface BackupBody {
  filename: string;
  durationMs: number;
  sizeBytes: number;
  sourceBytes: number;
  checksum: string;
  isEncrypted: boolean;
  encryptionKeyId: string | null;
}

async function getJson<T>(path: string): Promise<{ status: number; body: T | null }> {
  const res = await fetch(`${base}${path}`, { headers: auth });
  return { status: res.status, body: (await res.json().catch(() => null)) as T | null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForApi(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the API did not become ready at ${base} (see .demo/api.log)`);
}

async function main(): Promise<void> {
  await waitForApi();
  const res = await fetch(`${base}/api/backups`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'database' }),
  });
  const accepted = (await res.json()) as { jobId: string; executionId: string };
  if (res.status !== 202) throw new Error(`POST /api/backups answered ${res.status}: ${JSON.stringify(accepted)}`);
  console.log(`[demo] POST /api/backups → 202, job ${accepted.jobId}`);

  let job: JobBody | null = null;
  for (let i = 0; i < 600; i++) {
    job = (await getJson<JobBody>(`/api/jobs/${accepted.jobId}`)).body;
    if (job?.state === 'completed' || job?.state === 'failed') break;
    if (job?.progress?.stage) process.stdout.write(`\r[demo] ${job.state}: ${job.progress.stage} ${job.progress.percent}%   `);
    await sleep(250);
  }
  process.stdout.write('\n');
  if (job?.state !== 'completed') throw new Error(`the backup job ended as ${job?.state}: ${job?.failedReason ?? 'see .demo/worker.log'}`);

  const execution = (await getJson<ExecutionBody>(`/api/executions/${accepted.executionId}`)).body;
  const backup = (await getJson<BackupBody>(`/api/backups/${execution?.backupId}`)).body;
  if (!backup) throw new Error(`the backup of execution ${accepted.executionId} is not in the catalog`);
  const path = join(process.env.BACKUP_LOCAL_PATH ?? '', backup.filename);
  console.log(`
Backup completed in ${backup.durationMs} ms
  file      ${path}
  size      ${backup.sizeBytes} bytes (dump was ${backup.sourceBytes} bytes before gzip)
  sha256    ${backup.checksum}   (of the compressed bytes, before encryption)
  encrypted ${backup.isEncrypted ? `yes, key id ${backup.encryptionKeyId}` : 'no'}

API         ${base}/api/backups   (Authorization: Bearer <BACKUP_ADMIN_API_KEY from .demo/demo.env>)
Bull Board  ${base}/admin/queues  (any user name, the admin key as password)
API docs    ${base}/api/docs        (OpenAPI 3.1 at ${base}/api/openapi.json; sign in a browser with POST /api/session)
Stop        npm run stop`);
}

main().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signIn } from '../helpers/browser';
import { waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { assertFitsDocument } from '../helpers/openapi';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { SseClient } from '../helpers/sse';
import { dropDatabase } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

const ENCRYPTION_KEY = 'events test passphrase';

interface JobEventData {
  type: string;
  queue: string;
  executionId: string;
  jobId: string | null;
  progress?: { stage: string; percent: number };
  backupId?: string | null;
}

describe('live job events (GET /api/events) and browser downloads, with a real worker', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  const clients: SseClient[] = [];
  let backupId: string;
  let executionId: string;
  let streamed: { id?: string; event: string; data: JobEventData }[];

  async function open(headers: Record<string, string>): Promise<SseClient> {
    const client = await SseClient.open(`${stack.baseUrl}/api/events`, headers);
    clients.push(client);
    return client;
  }

  before(async () => {
    source = await createKanbuDatabase(2000);
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: ENCRYPTION_KEY, BACKUP_EVENTS_HEARTBEAT_SECONDS: '1' },
      workerQueues: ['backup'],
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.close();
  });

  it('streams a backup: started, progress by stage, completed with the backup id; nothing secret', async () => {
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const events = await open({ cookie });
    assert.equal(events.status, 200, events.body);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    executionId = accepted.body.executionId;
    const mine = (_e: string, d: JobEventData) => d.executionId === executionId;
    const completed = await events.waitForEvent<JobEventData>('the backup to complete on the stream', (e, d) => mine(e, d) && e === 'completed');
    const execution = await waitForExecution(stack, executionId);
    assert.equal(execution.status, 'completed');
    backupId = execution.backupId!;
    assert.equal(completed.data.backupId, backupId);
    assert.equal(completed.data.queue, 'backup');
    assert.equal(completed.data.jobId, accepted.body.jobId);

    streamed = events.events<JobEventData>(mine);
    const types = streamed.map((e) => e.event);
    assert.equal(types[0], 'started');
    assert.equal(types.at(-1), 'completed');
    const progress = streamed.filter((e) => e.event === 'progress');
    assert.ok(progress.length >= 2, `progress events: ${progress.length}`);
    assert.ok(
      progress.every((e) => typeof e.data.progress?.stage === 'string' && e.data.progress.percent >= 0 && e.data.progress.percent <= 100),
      'each has a stage and a percentage',
    );
    assert.ok(
      streamed.every((e) => /^\d+-\d+$/.test(e.id ?? '')),
      'every event has an id to resume after',
    );
    for (const event of streamed) await assertFitsDocument(stack.baseUrl, '/api/events', 'get', 200, event.data, 'text/event-stream');
    const everything = events.messages.map((m) => m.data).join('\n');
    for (const secret of [ADMIN_KEY, ENCRYPTION_KEY, stack.env.DATABASE_URL, stack.env.CATALOG_DATABASE_URL]) assert.ok(!everything.includes(secret));

    const heartbeats = () => events.comments.filter((c) => c === 'heartbeat').length;
    const before = heartbeats();
    await waitFor(async () => (heartbeats() > before ? true : undefined), 'a heartbeat comment on the idle stream', 10_000, 50);
  });

  it('resumes after Last-Event-ID with exactly the events that followed (Bearer auth)', async () => {
    const resumeAfter = streamed[0];
    const resumed = await open({ authorization: `Bearer ${ADMIN_KEY}`, 'last-event-id': resumeAfter.id! });
    assert.equal(resumed.status, 200);
    const expected = streamed.slice(1);
    const last = expected.at(-1)!;
    await resumed.waitForEvent('the replay up to the completion', (e, d: JobEventData) => d.executionId === executionId && e === 'completed', 15_000);
    const replayed = resumed.events<JobEventData>((_e, d) => d.executionId === executionId);
    assert.deepEqual(
      replayed.map((e) => [e.id, e.event]),
      expected.map((e) => [e.id, e.event]),
    );
    assert.equal(replayed.at(-1)!.id, last.id);
    assert.ok(!resumed.messages.some((m) => m.event === 'resync'));
  });

  it('says resync when Last-Event-ID is older than the retained window; refuses a malformed one; needs auth', async () => {
    const old = await open({ authorization: `Bearer ${ADMIN_KEY}`, 'last-event-id': '1-0' });
    assert.equal(old.status, 200);
    await old.waitForEvent('a resync event', (e) => e === 'resync', 10_000);
    assert.equal(old.messages[0].event, 'resync', 'first, before any replay');

    const bad = await open({ authorization: `Bearer ${ADMIN_KEY}`, 'last-event-id': 'yesterday' });
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.code, 'INVALID_EVENT_ID');
    const anonymous = await open({});
    assert.equal(anonymous.status, 401);
  });

  it('lets a signed-in browser download the backup natively: at once, with length and name, byte-equal to the stored file', async () => {
    const backup = (await stack.runtime.backups.findById(backupId))!;
    const stored = await readFile(join(stack.backupDir, backup.filename));
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const res = await fetch(`${stack.baseUrl}/api/backups/${backupId}/download`, { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(stored.length));
    assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="?${backup.filename.replace(/\./g, '\\.')}"?$`));
    assert.equal(res.headers.get('x-backup-verified'), 'false', 'a browser download starts at once');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), stored);

    const verified = await fetch(`${stack.baseUrl}/api/backups/${backupId}/download?verify=true`, { headers: { cookie } });
    assert.equal(verified.headers.get('x-backup-verified'), 'true');
    assert.deepEqual(Buffer.from(await verified.arrayBuffer()), stored);
    const script = await fetch(`${stack.baseUrl}/api/backups/${backupId}/download`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(script.headers.get('x-backup-verified'), 'true', 'Bearer callers keep verify-first by default');
    assert.deepEqual(Buffer.from(await script.arrayBuffer()), stored);
  });

  it('streams a failure with its reason, and nothing secret (the database is gone)', async () => {
    const events = await open({ authorization: `Bearer ${ADMIN_KEY}` });
    await dropDatabase(source.name);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202);
    const failed = await events.waitForEvent<JobEventData & { error?: string }>(
      'the failure on the stream',
      (e, d) => d.executionId === accepted.body.executionId && e === 'failed',
    );
    const execution = await waitForExecution(stack, accepted.body.executionId);
    assert.equal(execution.status, 'failed');
    assert.equal(failed.data.error, execution.error);
    assert.match(failed.data.error ?? '', /does not exist|not exist/i);
    assert.ok(!JSON.stringify(events.messages).includes(ENCRYPTION_KEY));
  });
});

import assert from 'node:assert/strict';
import { reconcileAlertSchedule } from '../../services/worker/alert-schedule';
import type { BackupType } from '../../shared/domain/types';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import type { StorageBackend, StorageUsage } from '../../shared/engine/storage/storage-backend';
import type { AlertPolicy } from '../../shared/monitoring/alert-rules';
import { evaluateAlerts } from '../../shared/monitoring/evaluate-alerts';
import { http } from '../helpers/http';
import { drainNotifyQueue, promoteDelayed } from '../helpers/notify';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';
import { Receiver, startReceiver } from '../helpers/webhook-receiver';

const SECRET = 'alerts-test-webhook-secret-0123456789';
const HOUR = 3_600_000;
const POLICY: AlertPolicy = { maxAgeHours: 24, sizeChangePct: 50, storagePct: 90 };

/**
 * A real local target whose reported capacity is set by the test: the one way
 * to make a disk "95% full" without filling the machine's disk.
 */
class ReportedFillStorage extends LocalStorage {
  fill = 0.5;
  unreachable = false;
  async usage(): Promise<StorageUsage> {
    if (this.unreachable) throw new Error('connection reset by peer');
    const usage = await super.usage();
    const totalBytes = 100 * 1024 ** 3;
    return { ...usage, totalBytes, freeBytes: Math.round(totalBytes * (1 - this.fill)) };
  }
}

describe('alerts: evaluated on a schedule, announced once, cleared when the condition ends', () => {
  let stack: TestStack;
  let receiver: Receiver;
  const T = Date.now();
  let sequence = 0;

  before(async () => {
    receiver = await startReceiver(SECRET);
    stack = await startStack({ workerQueues: ['notify'], env: { BACKUP_ALERT_STORAGE_PCT: '0' } });
    // Alerts go out whatever the success/failure switches say.
    await stack.runtime.notificationSettings.update({
      webhookUrl: receiver.url('/webhook'),
      webhookSecret: SECRET,
      notifyOnSuccess: false,
      notifyOnFailure: false,
    });
  });
  after(async () => {
    await stack?.close();
    await receiver?.close();
  });

  async function seedBackup(type: BackupType, sizeBytes: number, at: number) {
    const filename = `kanbu_backup_alert-test-${++sequence}.sql.gz`;
    const backup = await stack.runtime.backups.createRunning({ type, filename, compression: 'gzip', encrypted: false, storage: 'local', trigger: 'schedule' });
    await stack.runtime.backups.markCompleted(backup.id, {
      status: 'completed',
      sizeBytes,
      sourceBytes: sizeBytes * 4,
      checksum: 'a'.repeat(64),
      durationMs: 900,
    });
    await stack.runtime.dataSource.query(`UPDATE backup SET created_at = $2, completed_at = $2 WHERE id = $1`, [backup.id, new Date(at)]);
  }

  async function evaluate(at: number, storages: StorageBackend[] = [], policy: AlertPolicy = POLICY) {
    const deps = {
      stats: stack.runtime.stats,
      alerts: stack.runtime.alerts,
      storages,
      publish: (e: Parameters<typeof stack.runtime.notifications.publish>[0]) => stack.runtime.notifications.publish(e),
    };
    const result = await evaluateAlerts(deps, policy, new Date(at));
    await drainNotifyQueue(stack.runtime);
    return result;
  }

  /** What the user-guide receiver accepted about alerts of one kind, in order. */
  function announced(kind: string): string[] {
    return receiver
      .on('/webhook')
      .filter((r) => r.body?.alert?.kind === kind)
      .map((r) => {
        assert.equal(r.status, 200, 'signature accepted');
        return r.body.event;
      });
  }

  it('no successful backup for longer than the limit: announced once, cleared once a backup lands', async () => {
    await seedBackup('database', 1000, T - 30 * HOUR);
    const first = await evaluate(T);
    assert.deepEqual(first.opened, ['backup_age:database']);
    await evaluate(T + 60_000);
    await evaluate(T + 120_000);
    assert.deepEqual(announced('backup_age'), ['alert.triggered']);
    const [hook] = receiver.on('/webhook').filter((r) => r.body?.alert?.kind === 'backup_age');
    assert.deepEqual(Object.keys(hook.body), ['event', 'alert', 'timestamp']);
    assert.equal(hook.headers['x-kanbu-event'], 'alert.triggered');
    assert.equal(hook.body.alert.subject, 'database');
    assert.equal(hook.body.alert.message, 'No successful database backup for 30 h (limit 24 h)');
    assert.equal(hook.body.alert.since, new Date(T).toISOString());
    assert.equal(hook.body.alert.resolvedAt, null);

    const health = await http('GET', `${stack.baseUrl}/api/health/backups`, { token: ADMIN_KEY });
    assert.equal(health.body.status, 'critical');
    assert.deepEqual(
      health.body.alerts.map((a: { kind: string; notified: boolean }) => [a.kind, a.notified]),
      [['backup_age', true]],
    );

    await seedBackup('database', 1000, T + 3 * 60_000);
    const cleared = await evaluate(T + 4 * 60_000);
    assert.deepEqual(cleared.resolved, ['backup_age:database']);
    await evaluate(T + 5 * 60_000);
    assert.deepEqual(announced('backup_age'), ['alert.triggered', 'alert.resolved']);
    const resolved = receiver.on('/webhook').filter((r) => r.body?.event === 'alert.resolved')[0].body;
    assert.equal(resolved.alert.id, hook.body.alert.id);
    assert.equal(resolved.alert.resolvedAt, new Date(T + 4 * 60_000).toISOString());
    assert.deepEqual(await stack.runtime.alerts.listOpen(), []);
    const row = await stack.runtime.alerts.findById(hook.body.alert.id);
    assert.ok(row?.notifiedAt && row.resolvedAt && row.resolvedNotifiedAt, 'start, end and both announcements are recorded');
  });

  it('a 90% size drop against the median of the last backups: announced once, cleared by the next normal backup', async () => {
    await seedBackup('database', 1010, T + 1 * HOUR);
    await seedBackup('database', 990, T + 2 * HOUR);
    await seedBackup('database', 100, T + 3 * HOUR);
    const first = await evaluate(T + 3 * HOUR + 60_000);
    assert.deepEqual(first.opened, ['size_change:database']);
    await evaluate(T + 3 * HOUR + 120_000);
    assert.deepEqual(announced('size_change'), ['alert.triggered']);
    const hook = receiver.on('/webhook').find((r) => r.body?.alert?.kind === 'size_change')!;
    assert.equal(hook.body.alert.message, 'The newest database backup is 90% smaller than the median of the 4 before it (limit 50%)');

    await seedBackup('database', 1005, T + 4 * HOUR);
    await evaluate(T + 4 * HOUR + 60_000);
    await evaluate(T + 4 * HOUR + 120_000);
    assert.deepEqual(announced('size_change'), ['alert.triggered', 'alert.resolved']);
  });

  it('a nearly full storage target: announced once, kept while it cannot be read, cleared when space is freed', async () => {
    const storage = new ReportedFillStorage('local', stack.backupDir);
    storage.fill = 0.95;
    const at = T + 5 * HOUR;
    assert.deepEqual((await evaluate(at, [storage])).opened, ['storage_usage:local']);
    await evaluate(at + 60_000, [storage]);
    storage.unreachable = true;
    const unknown = await evaluate(at + 120_000, [storage]);
    assert.deepEqual(unknown.resolved, [], 'an unreadable target is not a freed one');
    assert.deepEqual(announced('storage_usage'), ['alert.triggered']);
    const hook = receiver.on('/webhook').find((r) => r.body?.alert?.kind === 'storage_usage')!;
    assert.equal(hook.body.alert.message, 'Storage target local is 95% full (limit 90%)');

    storage.unreachable = false;
    storage.fill = 0.6;
    await evaluate(at + 180_000, [storage]);
    assert.deepEqual(announced('storage_usage'), ['alert.triggered', 'alert.resolved']);
  });

  it('the evaluation job scheduler is reconciled idempotently and runs on the notify worker', async () => {
    const queue = stack.runtime.queues.get('notify');
    assert.equal(await reconcileAlertSchedule(queue, 10), 'scheduled');
    assert.equal(await reconcileAlertSchedule(queue, 10), 'scheduled');
    let schedulers = await queue.getJobSchedulers();
    assert.deepEqual(
      schedulers.map((s) => [s.key, s.every]),
      [['alert-evaluation', 600_000]],
    );
    await reconcileAlertSchedule(queue, 5);
    schedulers = await queue.getJobSchedulers();
    assert.deepEqual(
      schedulers.map((s) => [s.key, s.every]),
      [['alert-evaluation', 300_000]],
      'a changed interval replaces the old one',
    );

    const execution = await waitFor(async () => {
      await promoteDelayed(queue);
      const runs = await stack.runtime.executions.list({ page: 1, pageSize: 50, kind: 'notify' });
      return runs.items.find((e) => e.trigger === 'schedule' && e.status === 'completed');
    }, 'a scheduled evaluation to run');
    const job = await waitFor(async () => {
      // State first, then the job: read the other way round, the job could predate its completion.
      const state = await queue.getJobState(execution.jobId!);
      return state === 'completed' ? queue.getJob(execution.jobId!) : undefined;
    }, 'BullMQ to record the result');
    assert.equal(job.name, 'notify.alerts');
    assert.equal(typeof (job.returnvalue as { open: number }).open, 'number');

    assert.equal(await reconcileAlertSchedule(queue, 0), 'removed');
    assert.equal(await queue.getJobSchedulersCount(), 0);
  });
});

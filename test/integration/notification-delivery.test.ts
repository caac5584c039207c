import assert from 'node:assert/strict';
import type { BackupEvent } from '../../shared/domain/notification-events';
import { NOTIFY_ATTEMPTS } from '../../shared/queue/job-options';
import { drainNotifyQueue, promoteDelayed, retryScheduled } from '../helpers/notify';
import { freePort } from '../helpers/processes';
import { startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';
import { Receiver, startReceiver } from '../helpers/webhook-receiver';

const SECRET = 'delivery-test-secret-0123456789abcdef';

function backupEvent(filename: string): BackupEvent {
  return {
    event: 'backup.completed',
    backup: { type: 'database', filename, fileSize: 4096, isEncrypted: true, checksum: 'ef'.repeat(32), durationMs: 1200 },
    schedule: null,
    timestamp: new Date().toISOString(),
  };
}

describe('notification delivery through the notify queue', () => {
  let stack: TestStack;
  let receiver: Receiver;

  before(async () => {
    receiver = await startReceiver(SECRET);
    stack = await startStack({ workerQueues: ['notify'], env: { BACKUP_NOTIFY_TIMEOUT_SECONDS: '2' } });
  });
  after(async () => {
    await stack?.close();
    await receiver?.close();
  });

  async function useWebhook(path: string) {
    await stack.runtime.notificationSettings.update({ webhookUrl: receiver.url(path), webhookSecret: SECRET, notifyOnSuccess: true });
  }

  async function finishedExecution(executionId: string) {
    return waitFor(async () => {
      await promoteDelayed(stack.runtime.queues.get('notify'));
      const e = await stack.runtime.executions.findById(executionId);
      return e && ['completed', 'failed'].includes(e.status) ? e : undefined;
    }, 'the notify job to finish');
  }

  it('receiver answers 500 twice, then 200: delivered once, three attempts recorded, same delivery id and signature each time', async () => {
    await useWebhook('/webhook');
    receiver.failNext('/webhook', [500, 500]);
    const [queued] = await stack.runtime.notifications.publish(backupEvent('kanbu_backup_2026-01-01T00-00-00.sql.gz.enc'));
    assert.equal(queued.channel, 'webhook');
    const execution = await finishedExecution(queued.executionId);
    assert.equal(execution.status, 'completed');
    assert.equal(execution.attempts, 3);

    const requests = receiver.requests.filter((r) => r.headers['x-kanbu-delivery'] === queued.deliveryId);
    assert.deepEqual(
      requests.map((r) => r.status),
      [500, 500, 200],
      'delivered (accepted) exactly once',
    );
    assert.equal(new Set(requests.map((r) => r.headers['x-kanbu-signature'])).size, 1);
    assert.equal(new Set(requests.map((r) => JSON.stringify(r.body))).size, 1);

    const attempts = await stack.runtime.deliveries.forDelivery(queued.deliveryId);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.responseCode, a.willRetry]),
      [
        [1, 'failed', 500, true],
        [2, 'failed', 500, true],
        [3, 'delivered', 200, false],
      ],
    );
    assert.ok(attempts.every((a) => a.executionId === queued.executionId && a.event === 'backup.completed' && a.channel === 'webhook'));
    const job = await stack.runtime.queues.get('notify').getJob(queued.executionId);
    assert.equal(job?.opts.attempts, NOTIFY_ATTEMPTS);
    assert.equal(JSON.stringify(job?.data).includes(SECRET), false, 'the job carries no secret');
    assert.equal(JSON.stringify(job?.data).includes('/webhook'), false, 'nor the address: it is read when sending');
    assert.deepEqual(job?.opts.backoff, { type: 'exponential', delay: 10_000 }, 'exponential backoff between attempts');
  });

  it('receiver answers 400: one attempt, no retry, the job fails for good with the reason', async () => {
    await useWebhook('/reject');
    const [queued] = await stack.runtime.notifications.publish(backupEvent('kanbu_backup_2026-01-02T00-00-00.sql.gz.enc'));
    const execution = await finishedExecution(queued.executionId);
    assert.equal(execution.status, 'failed');
    assert.equal(execution.attempts, 1);
    assert.match(execution.error ?? '', /webhook delivery to http:\/\/127\.0\.0\.1:\d+\/reject failed: HTTP 400: invalid_payload/);
    // The execution row is final before BullMQ moves the job; wait for the job to settle, then look.
    const queue = stack.runtime.queues.get('notify');
    const state = await waitFor(async () => {
      const s = await (await queue.getJob(queued.executionId))?.getState();
      return s === 'failed' || s === 'delayed' ? s : undefined;
    }, 'the job to settle');
    assert.equal(state, 'failed', 'not delayed for another attempt');
    assert.equal((await queue.getJob(queued.executionId))?.attemptsMade, 1);
    assert.equal(receiver.on('/reject').length, 1);
    const attempts = await stack.runtime.deliveries.forDelivery(queued.deliveryId);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.responseCode, a.willRetry]),
      [['failed', 400, false]],
    );
    // A failed notification does not produce a notification about itself.
    const notifyRuns = await stack.runtime.executions.list({ page: 1, pageSize: 50, kind: 'notify' });
    assert.equal(notifyRuns.items.filter((e) => e.queuedAt > execution.queuedAt).length, 0);
  });

  it('an unreachable receiver is a network error: recorded without a status and retried', async () => {
    const port = await freePort();
    await stack.runtime.notificationSettings.update({ webhookUrl: `http://127.0.0.1:${port}/hook` });
    const [queued] = await stack.runtime.notifications.publish(backupEvent('kanbu_backup_2026-01-03T00-00-00.sql.gz.enc'));
    const [first] = await waitFor(async () => {
      const rows = await stack.runtime.deliveries.forDelivery(queued.deliveryId);
      return rows.length > 0 ? rows : undefined;
    }, 'the first attempt');
    assert.equal(first.status, 'failed');
    assert.equal(first.responseCode, null);
    assert.equal(first.willRetry, true);
    assert.match(first.error ?? '', /ECONNREFUSED/);
    const job = await retryScheduled(stack.runtime.queues.get('notify'), queued.executionId);
    assert.equal(job.attemptsMade, 1);
    await job.remove();
  });

  it('a receiver that never answers is cut off after BACKUP_NOTIFY_TIMEOUT_SECONDS and retried', async () => {
    await useWebhook('/hang');
    const [queued] = await stack.runtime.notifications.publish(backupEvent('kanbu_backup_2026-01-04T00-00-00.sql.gz.enc'));
    const [first] = await waitFor(
      async () => {
        const rows = await stack.runtime.deliveries.forDelivery(queued.deliveryId);
        return rows.length > 0 ? rows : undefined;
      },
      'the first attempt to time out',
      20_000,
    );
    assert.equal(first.status, 'failed');
    assert.equal(first.willRetry, true);
    assert.equal(first.error, 'no answer within 2 s');
    assert.ok((first.durationMs ?? 0) >= 1900 && (first.durationMs ?? 0) < 10_000, `took ${first.durationMs} ms`);
    const job = await retryScheduled(stack.runtime.queues.get('notify'), queued.executionId);
    assert.equal(job.attemptsMade, 1);
    await job.remove();
  });

  it('a channel removed after the event is skipped, not failed', async () => {
    await useWebhook('/webhook');
    await stack.runtime.queues.get('notify').pause();
    const [queued] = await stack.runtime.notifications.publish(backupEvent('kanbu_backup_2026-01-05T00-00-00.sql.gz.enc'));
    await stack.runtime.notificationSettings.update({ webhookUrl: null });
    await stack.runtime.queues.get('notify').resume();
    await drainNotifyQueue(stack.runtime);
    const execution = await finishedExecution(queued.executionId);
    assert.equal(execution.status, 'completed');
    const attempts = await stack.runtime.deliveries.forDelivery(queued.deliveryId);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.error]),
      [['skipped', 'the webhook channel is no longer configured']],
    );
  });
});

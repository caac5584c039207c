import assert from 'node:assert/strict';
import type { Backup, Execution } from '../../shared/catalog/entities';
import { announceOutcome } from '../../shared/notify/announce-outcome';
import type { NotificationEvent } from '../../shared/domain/notification-events';
import type { Runtime } from '../../shared/runtime/runtime';

describe('announcing a finished run', () => {
  const published: NotificationEvent[] = [];
  const backup = {
    id: 'b1',
    type: 'database',
    filename: 'kanbu_backup_2026-01-18T10-30-00.sql.gz',
    sizeBytes: 10,
    encrypted: false,
    checksum: 'c'.repeat(64),
    durationMs: 5,
    status: 'completed',
    scheduleId: null,
  } as unknown as Backup;
  const runtime = {
    backups: { findById: async (id: string) => (id === backup.id ? backup : null) },
    stats: { scheduleRef: async () => ({ id: 's1', name: 'nightly' }) },
    notifications: {
      publish: async (event: NotificationEvent) => {
        published.push(event);
        return [{ channel: 'webhook' }];
      },
    },
  } as unknown as Pick<Runtime, 'backups' | 'stats' | 'notifications'>;
  const execution = (fields: Partial<Execution>) =>
    ({ id: 'e1', trigger: 'schedule', durationMs: 5, finishedAt: new Date(), backupId: null, scheduleId: 's1', details: null, ...fields }) as Execution;

  beforeEach(() => published.splice(0));

  it('a backup run announces backup.completed', async () => {
    const queued = await announceOutcome(runtime, {
      queue: 'backup',
      status: 'completed',
      execution: execution({ backupId: 'b1' }),
      request: { type: 'database' },
    });
    assert.equal(queued?.event, 'backup.completed');
    assert.deepEqual(
      published.map((e) => e.event),
      ['backup.completed'],
    );
  });

  it('a run that skipped its backup (slot done already, schedule disabled) announces nothing', async () => {
    for (const skipped of ['slot_already_backed_up', 'schedule_disabled']) {
      const queued = await announceOutcome(runtime, {
        queue: 'backup',
        status: 'completed',
        execution: execution({ details: { skipped } }),
        request: { type: 'database' },
      });
      assert.equal(queued, null, skipped);
    }
    assert.deepEqual(published, []);
  });
});

import assert from 'node:assert/strict';
import { OutcomeFacts, outcomeEventName, outcomeToEvent, wantsEvent } from '../../shared/notify/outcome-events';
import type { NotificationEvent } from '../../shared/domain/notification-events';

const finishedAt = new Date('2026-01-18T10:30:05.000Z');
const execution = {
  id: 'e1e1e1e1-0000-4000-8000-000000000001',
  trigger: 'schedule' as const,
  durationMs: 5100,
  finishedAt,
  backupId: 'b1b1b1b1-0000-4000-8000-000000000001',
};
const backup = {
  id: execution.backupId,
  type: 'database' as const,
  filename: 'kanbu_backup_2026-01-18T10-30-00.sql.gz.enc',
  sizeBytes: 1_234_567,
  encrypted: true,
  checksum: 'ab'.repeat(32),
  durationMs: 5000,
  status: 'completed' as const,
  error: null,
  verificationStatus: 'pending' as const,
  verificationError: null,
};

function facts(overrides: Partial<OutcomeFacts>): OutcomeFacts {
  return { queue: 'backup', status: 'completed', execution, backup, schedule: { id: 's1', name: 'nightly' }, now: new Date(), ...overrides };
}

describe('job outcomes → notification events', () => {
  it("a completed backup is backup.completed in exactly the user guide's shape and key order", () => {
    const event = outcomeToEvent(facts({}));
    assert.equal(
      JSON.stringify(event),
      '{"event":"backup.completed","backup":{"type":"database","filename":"kanbu_backup_2026-01-18T10-30-00.sql.gz.enc","fileSize":1234567,' +
        `"isEncrypted":true,"checksum":"${'ab'.repeat(32)}","durationMs":5000},"schedule":{"id":"s1","name":"nightly"},"timestamp":"2026-01-18T10:30:05.000Z"}`,
    );
  });

  it("the backup row's status decides between completed and completed_with_warnings", () => {
    const event = outcomeToEvent(facts({ backup: { ...backup, status: 'completed_with_warnings', error: 'replica s3 failed' } }));
    assert.equal(event?.event, 'backup.completed_with_warnings');
    assert.deepEqual(Object.keys(event!), ['event', 'backup', 'schedule', 'error', 'timestamp']);
    assert.equal((event as { error: string }).error, 'replica s3 failed');
  });

  it('a failed backup carries the reason, no size or checksum, and works without a catalog row', () => {
    const failed = outcomeToEvent(
      facts({ status: 'failed', error: 'pg_dump exited with code 1', backup: { ...backup, status: 'failed', sizeBytes: null, checksum: null } }),
    );
    assert.equal(failed?.event, 'backup.failed');
    assert.deepEqual(Object.keys(failed!), ['event', 'backup', 'schedule', 'error', 'timestamp']);
    assert.equal((failed as { error: string }).error, 'pg_dump exited with code 1');
    assert.equal((failed as { backup: { fileSize: unknown; checksum: unknown } }).backup.fileSize, null);

    const early = outcomeToEvent(facts({ status: 'failed', error: 'DATABASE_URL is not set', backup: null, jobType: 'database', schedule: null }));
    assert.deepEqual((early as { backup: unknown }).backup, {
      type: 'database',
      filename: null,
      fileSize: null,
      isEncrypted: false,
      checksum: null,
      durationMs: 5100,
    });
    assert.equal((early as { schedule: unknown }).schedule, null);
  });

  it('cuts very long reasons', () => {
    const event = outcomeToEvent(facts({ status: 'failed', error: 'x'.repeat(5000) }));
    assert.equal((event as { error: string }).error.length, 1000);
  });

  it('maps restores both ways, and verification only when it found a problem', () => {
    assert.equal(outcomeEventName({ queue: 'restore', status: 'completed', backup }), 'restore.completed');
    assert.equal(outcomeEventName({ queue: 'restore', status: 'failed', backup: null }), 'restore.failed');
    assert.equal(outcomeEventName({ queue: 'verify', status: 'failed', backup }), 'verify.failed');
    assert.equal(outcomeEventName({ queue: 'verify', status: 'completed', backup }), null);
    assert.equal(outcomeEventName({ queue: 'verify', status: 'completed', backup: { ...backup, verificationStatus: 'failed' } }), 'verify.failed');

    const restore = outcomeToEvent(facts({ queue: 'restore', status: 'failed', error: 'psql exited with code 3' }));
    assert.deepEqual(restore, {
      event: 'restore.failed',
      restore: { executionId: execution.id, trigger: 'schedule', backupId: backup.id, type: 'database', filename: backup.filename, durationMs: 5100 },
      error: 'psql exited with code 3',
      timestamp: finishedAt.toISOString(),
    });
    const verify = outcomeToEvent(
      facts({ queue: 'verify', status: 'completed', backup: { ...backup, verificationStatus: 'failed', verificationError: 'checksum mismatch' } }),
    );
    assert.equal(verify?.event, 'verify.failed');
    assert.equal((verify as { error: string }).error, 'checksum mismatch');
  });

  it('never turns prune or notify outcomes into events (a failed notification must not notify)', () => {
    for (const queue of ['prune', 'notify'] as const) {
      for (const status of ['completed', 'failed'] as const) assert.equal(outcomeToEvent(facts({ queue, status })), null, `${queue} ${status}`);
    }
  });
});

describe('notification preferences', () => {
  const event = (name: string) => ({ event: name }) as NotificationEvent;
  const cases: [string, boolean, boolean, boolean][] = [
    // event, onSuccess, onFailure, sent
    ['backup.completed', true, false, true],
    ['backup.completed', false, true, false],
    ['restore.completed', false, true, false],
    ['backup.failed', false, true, true],
    ['backup.failed', true, false, false],
    ['verify.failed', false, true, true],
    ['restore.failed', true, false, false],
    ['backup.completed_with_warnings', true, false, true],
    ['backup.completed_with_warnings', false, true, true],
    ['backup.completed_with_warnings', false, false, false],
    ['alert.triggered', false, false, true],
    ['alert.resolved', false, false, true],
    ['test', false, false, true],
  ];
  for (const [name, notifyOnSuccess, notifyOnFailure, sent] of cases) {
    it(`${name} with success=${notifyOnSuccess} failure=${notifyOnFailure} → ${sent ? 'sent' : 'not sent'}`, () => {
      assert.equal(wantsEvent(event(name), { notifyOnSuccess, notifyOnFailure }), sent);
    });
  }
});

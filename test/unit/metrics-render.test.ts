import assert from 'node:assert/strict';
import { MetricsSnapshot, renderMetrics } from '../../shared/monitoring/metrics';

const snapshot: MetricsSnapshot = {
  backups: [
    { type: 'database', status: 'completed', count: 12 },
    { type: 'database', status: 'failed', count: 2 },
  ],
  lastSuccessful: [
    { type: 'database', completedAt: new Date('2026-01-18T10:30:00Z'), createdAt: new Date('2026-01-18T10:29:00Z'), sizeBytes: 52_428_800, durationMs: 61_500 },
  ],
  storedBytes: [{ key: 'database', count: 629_145_600 }],
  verification: [
    { key: 'verified', count: 10 },
    { key: 'pending', count: 2 },
  ],
  executions: [
    { kind: 'backup', status: 'failed', count: 2 },
    { kind: 'notify', status: 'completed', count: 7 },
  ],
  queues: [{ queue: 'backup', counts: { waiting: 3, active: 1, delayed: 0, failed: 2, completed: 9 } }],
  storage: [
    { target: 'local', location: '/data', usedBytes: 629_145_600, freeBytes: 250, totalBytes: 1000, objectCount: 12, usedPercent: 75, error: null },
    { target: 's3', location: 's3://b', usedBytes: null, freeBytes: null, totalBytes: null, objectCount: null, usedPercent: null, error: 'timeout' },
  ],
  openAlerts: [{ kind: 'size_change' }],
};

function lines(body: string): Set<string> {
  return new Set(body.split('\n'));
}

describe('Prometheus metrics rendering', () => {
  it('renders every figure of the snapshot in the text format', async () => {
    const { contentType, body } = await renderMetrics(snapshot);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const got = lines(body);
    for (const expected of [
      '# TYPE kanbu_backup_backups gauge',
      'kanbu_backup_backups{type="database",status="completed"} 12',
      'kanbu_backup_backups{type="database",status="failed"} 2',
      'kanbu_backup_backups{type="source",status="completed"} 0',
      'kanbu_backup_last_success_timestamp_seconds{type="database"} 1768732200',
      'kanbu_backup_last_success_size_bytes{type="database"} 52428800',
      'kanbu_backup_last_success_duration_seconds{type="database"} 61.5',
      'kanbu_backup_stored_bytes{type="database"} 629145600',
      'kanbu_backup_stored_bytes{type="source"} 0',
      'kanbu_backup_verification_backups{status="verified"} 10',
      'kanbu_backup_verification_backups{status="failed"} 0',
      'kanbu_backup_executions{kind="backup",status="failed"} 2',
      'kanbu_backup_queue_up 1',
      'kanbu_backup_queue_jobs{queue="backup",state="waiting"} 3',
      'kanbu_backup_queue_jobs{queue="backup",state="failed"} 2',
      'kanbu_backup_queue_jobs{queue="backup",state="prioritized"} 0',
      'kanbu_backup_storage_up{target="local"} 1',
      'kanbu_backup_storage_up{target="s3"} 0',
      'kanbu_backup_storage_used_ratio{target="local"} 0.75',
      'kanbu_backup_storage_capacity_bytes{target="local"} 1000',
      'kanbu_backup_alerts_open{kind="size_change"} 1',
      'kanbu_backup_alerts_open{kind="backup_age"} 0',
    ]) {
      assert.ok(got.has(expected), `missing line: ${expected}\n${body}`);
    }
    assert.equal(body.includes('kanbu_backup_last_success_timestamp_seconds{type="source"}'), false, 'no fake value for a type that never succeeded');
    assert.equal(body.includes('kanbu_backup_storage_used_ratio{target="s3"}'), false);
  });

  it('says so when the queue did not answer, and still reports the catalog', async () => {
    const { body } = await renderMetrics({ ...snapshot, queues: null });
    const got = lines(body);
    assert.ok(got.has('kanbu_backup_queue_up 0'));
    assert.equal(body.includes('kanbu_backup_queue_jobs{'), false);
    assert.ok(got.has('kanbu_backup_backups{type="database",status="completed"} 12'));
  });
});

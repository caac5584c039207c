import { Gauge, Registry } from 'prom-client';
import type { Backup } from '../catalog/entities';
import type { AlertRepository } from '../catalog/repositories/alert.repository';
import type { BackupStatusCount, CatalogStatsRepository, Count, ExecutionStatusCount } from '../catalog/repositories/catalog-stats.repository';
import { BACKUP_STATUSES, BACKUP_TYPES, BackupType, VERIFICATION_STATUSES, VerificationStatus } from '../domain/types';
import type { StorageBackend } from '../engine/storage/storage-backend';
import { ALERT_KINDS } from '../domain/notification-events';
import type { QueueRegistry } from '../queue/queue-registry';
import { withTimeout } from '../util/with-timeout';
import { storageUsage, TargetUsage } from './storage-usage';

/** Queue states reported as depth; `failed` is the jobs that failed for good and are kept for inspection. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

export interface QueueDepth {
  queue: string;
  counts: Record<string, number>;
}

/** What one scrape reports: read from the catalog, the queues and the storage targets at scrape time. */
export interface MetricsSnapshot {
  backups: BackupStatusCount[];
  lastSuccessful: Pick<Backup, 'type' | 'completedAt' | 'createdAt' | 'sizeBytes' | 'durationMs'>[];
  storedBytes: Count<BackupType>[];
  verification: Count<VerificationStatus>[];
  executions: ExecutionStatusCount[];
  /** Null when Redis did not answer. */
  queues: QueueDepth[] | null;
  storage: TargetUsage[];
  openAlerts: { kind: string }[];
}

export interface MetricsDeps {
  stats: CatalogStatsRepository;
  alerts: AlertRepository;
  queues: QueueRegistry;
  storages: readonly StorageBackend[];
}

const QUEUE_TIMEOUT_MS = 3000;

async function queueDepths(queues: QueueRegistry): Promise<QueueDepth[] | null> {
  try {
    return await withTimeout(Promise.all(queues.all().map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...QUEUE_STATES) }))), QUEUE_TIMEOUT_MS);
  } catch {
    return null;
  }
}

export async function collectMetrics(deps: MetricsDeps): Promise<MetricsSnapshot> {
  const [backups, lastSuccessful, storedBytes, verification, executions, queues, storage, openAlerts] = await Promise.all([
    deps.stats.backupCounts(),
    deps.stats.lastSuccessfulPerType(),
    deps.stats.storedBytesByType(),
    deps.stats.verificationCounts(),
    deps.stats.executionCounts(),
    queueDepths(deps.queues),
    storageUsage(deps.storages),
    deps.alerts.listOpen(),
  ]);
  return { backups, lastSuccessful, storedBytes, verification, executions, queues, storage, openAlerts };
}

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

/** The snapshot in the Prometheus text format. Every type × status is present, zero when empty, so rules need no `absent()`. */
export async function renderMetrics(snapshot: MetricsSnapshot): Promise<RenderedMetrics> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: `kanbu_backup_${name}`, help, labelNames, registers: [registry] });

  const backups = gauge('backups', 'Backups in the catalog, by type and status.', ['type', 'status']);
  for (const type of BACKUP_TYPES) for (const status of BACKUP_STATUSES) backups.set({ type, status }, 0);
  for (const c of snapshot.backups) backups.set({ type: c.type, status: c.status }, c.count);

  const lastTime = gauge('last_success_timestamp_seconds', 'Completion time of the newest successful backup, per type (Unix seconds).', ['type']);
  const lastSize = gauge('last_success_size_bytes', 'Stored size of the newest successful backup, per type.', ['type']);
  const lastDuration = gauge('last_success_duration_seconds', 'Duration of the newest successful backup, per type.', ['type']);
  for (const b of snapshot.lastSuccessful) {
    const at = b.completedAt ?? b.createdAt;
    lastTime.set({ type: b.type }, Math.floor(at.getTime() / 1000));
    if (b.sizeBytes !== null) lastSize.set({ type: b.type }, b.sizeBytes);
    if (b.durationMs !== null) lastDuration.set({ type: b.type }, b.durationMs / 1000);
  }

  const stored = gauge('stored_bytes', 'Total stored size of the successful backups in the catalog, per type.', ['type']);
  for (const type of BACKUP_TYPES) stored.set({ type }, snapshot.storedBytes.find((s) => s.key === type)?.count ?? 0);

  const verification = gauge('verification_backups', 'Successful backups by verification status.', ['status']);
  for (const status of VERIFICATION_STATUSES) verification.set({ status }, snapshot.verification.find((v) => v.key === status)?.count ?? 0);

  const executions = gauge('executions', 'Job runs recorded in the catalog, by kind and final or current status.', ['kind', 'status']);
  for (const e of snapshot.executions) executions.set({ kind: e.kind, status: e.status }, e.count);

  const queueUp = gauge('queue_up', '1 when the job queue (Redis) answered this scrape.');
  queueUp.set(snapshot.queues ? 1 : 0);
  const queueJobs = gauge('queue_jobs', 'Jobs per queue and state (depth; `failed` = jobs that failed for good and are kept).', ['queue', 'state']);
  for (const q of snapshot.queues ?? []) for (const state of QUEUE_STATES) queueJobs.set({ queue: q.queue, state }, q.counts[state] ?? 0);

  const storageUp = gauge('storage_up', '1 when the storage target answered this scrape.', ['target']);
  const used = gauge('storage_backup_bytes', 'Bytes of backup files on the storage target.', ['target']);
  const free = gauge('storage_free_bytes', 'Free bytes on the storage target, where it can tell.', ['target']);
  const capacity = gauge('storage_capacity_bytes', 'Capacity of the storage target, where it can tell.', ['target']);
  const fill = gauge('storage_used_ratio', 'How full the storage target is (0 to 1), where it can tell.', ['target']);
  for (const s of snapshot.storage) {
    const target = { target: s.target };
    storageUp.set(target, s.error ? 0 : 1);
    if (s.usedBytes !== null) used.set(target, s.usedBytes);
    if (s.freeBytes !== null) free.set(target, s.freeBytes);
    if (s.totalBytes !== null) capacity.set(target, s.totalBytes);
    if (s.usedPercent !== null) fill.set(target, s.usedPercent / 100);
  }

  const alerts = gauge('alerts_open', 'Open alerts, by kind.', ['kind']);
  for (const kind of ALERT_KINDS) alerts.set({ kind }, snapshot.openAlerts.filter((a) => a.kind === kind).length);

  return { contentType: registry.contentType, body: await registry.metrics() };
}

import type { AlertRepository } from '../catalog/repositories/alert.repository';
import type { CatalogStatsRepository } from '../catalog/repositories/catalog-stats.repository';
import { BACKUP_TYPES, BackupType, ExecutionKind, VerificationStatus } from '../domain/types';
import type { StorageBackend } from '../engine/storage/storage-backend';
import { round1 } from '../util/format';
import { storageUsage, TargetUsage } from './storage-usage';

export interface BackupHealthDeps {
  stats: CatalogStatsRepository;
  alerts: AlertRepository;
  /** Every storage target, primary first. */
  storages: readonly StorageBackend[];
}

export interface BackupHealthOptions {
  now?: Date;
  /** How many recent sizes per type the trend shows. */
  trendLength?: number;
  /** The window of the failure count, in days. */
  failureWindowDays?: number;
}

export type HealthStatus = 'ok' | 'warning' | 'critical';

export interface BackupHealthReport {
  /** `critical` while an alert is open; `warning` when a job failed in the window or a storage target could not be read. */
  status: HealthStatus;
  generatedAt: string;
  lastSuccessful: Record<
    BackupType,
    {
      id: string;
      filename: string;
      completedAt: string | null;
      ageHours: number | null;
      sizeBytes: number | null;
      durationMs: number | null;
      isEncrypted: boolean;
    } | null
  >;
  /** Oldest to newest. */
  sizeTrend: Record<BackupType, { id: string; filename: string; completedAt: string | null; sizeBytes: number | null }[]>;
  storage: TargetUsage[];
  failures: {
    windowDays: number;
    since: string;
    total: number;
    byKind: Partial<Record<ExecutionKind, number>>;
    recent: { executionId: string; kind: ExecutionKind; trigger: string; finishedAt: string | null; error: string | null }[];
  };
  verification: {
    counts: Record<VerificationStatus, number>;
    lastVerifiedAt: string | null;
    lastFailure: { backupId: string; filename: string; verifiedAt: string | null; error: string | null } | null;
  };
  alerts: { id: string; kind: string; subject: string; message: string; since: string; lastSeenAt: string; notified: boolean }[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RECENT_FAILURES = 10;

/**
 * The state of the backups at a glance, for `GET /api/health/backups` and
 * `GET /api/status`: plain data from the catalog, the storage targets and the alert table.
 */
export async function backupHealthReport(deps: BackupHealthDeps, options: BackupHealthOptions = {}): Promise<BackupHealthReport> {
  const now = options.now ?? new Date();
  const trendLength = options.trendLength ?? 10;
  const windowDays = options.failureWindowDays ?? 7;
  const since = new Date(now.getTime() - windowDays * DAY_MS);

  const [last, trends, storage, failureCounts, recentFailures, verification, lastVerifiedAt, lastFailure, openAlerts] = await Promise.all([
    deps.stats.lastSuccessfulPerType(),
    Promise.all(BACKUP_TYPES.map((t) => deps.stats.recentSuccessful(t, trendLength))),
    storageUsage(deps.storages),
    deps.stats.failedExecutionsSince(since),
    deps.stats.recentFailedExecutions(since, RECENT_FAILURES),
    deps.stats.verificationCounts(),
    deps.stats.lastVerifiedAt(),
    deps.stats.lastVerificationFailure(),
    deps.alerts.listOpen(),
  ]);

  const lastSuccessful = Object.fromEntries(
    BACKUP_TYPES.map((type) => {
      const b = last.find((x) => x.type === type);
      const at = b ? (b.completedAt ?? b.createdAt) : null;
      return [
        type,
        b
          ? {
              id: b.id,
              filename: b.filename,
              completedAt: at?.toISOString() ?? null,
              ageHours: at ? round1((now.getTime() - at.getTime()) / HOUR_MS) : null,
              sizeBytes: b.sizeBytes,
              durationMs: b.durationMs,
              isEncrypted: b.encrypted,
            }
          : null,
      ];
    }),
  ) as BackupHealthReport['lastSuccessful'];

  const sizeTrend = Object.fromEntries(
    BACKUP_TYPES.map((type, i) => [
      type,
      [...trends[i]]
        .reverse()
        .map((b) => ({ id: b.id, filename: b.filename, completedAt: (b.completedAt ?? b.createdAt)?.toISOString() ?? null, sizeBytes: b.sizeBytes })),
    ]),
  ) as BackupHealthReport['sizeTrend'];

  const counts: Record<VerificationStatus, number> = { verified: 0, failed: 0, pending: 0, no_checksum: 0 };
  for (const c of verification) counts[c.key] = c.count;
  const total = failureCounts.reduce((sum, c) => sum + c.count, 0);
  const status: HealthStatus = openAlerts.length > 0 ? 'critical' : total > 0 || storage.some((s) => s.error) ? 'warning' : 'ok';

  return {
    status,
    generatedAt: now.toISOString(),
    lastSuccessful,
    sizeTrend,
    storage,
    failures: {
      windowDays,
      since: since.toISOString(),
      total,
      byKind: Object.fromEntries(failureCounts.map((c) => [c.key, c.count])),
      recent: recentFailures.map((e) => ({
        executionId: e.id,
        kind: e.kind,
        trigger: e.trigger,
        finishedAt: e.finishedAt?.toISOString() ?? null,
        error: e.error,
      })),
    },
    verification: {
      counts,
      lastVerifiedAt: lastVerifiedAt?.toISOString() ?? null,
      lastFailure: lastFailure
        ? {
            backupId: lastFailure.id,
            filename: lastFailure.filename,
            verifiedAt: lastFailure.verifiedAt?.toISOString() ?? null,
            error: lastFailure.verificationError,
          }
        : null,
    },
    alerts: openAlerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      subject: a.subject,
      message: a.message,
      since: a.activeSince.toISOString(),
      lastSeenAt: a.lastSeenAt.toISOString(),
      notified: a.notifiedAt !== null,
    })),
  };
}

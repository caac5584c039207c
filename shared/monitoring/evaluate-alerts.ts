import type { Alert } from '../catalog/entities';
import type { AlertRepository } from '../catalog/repositories/alert.repository';
import type { CatalogStatsRepository } from '../catalog/repositories/catalog-stats.repository';
import { BACKUP_TYPES } from '../domain/types';
import type { StorageBackend } from '../engine/storage/storage-backend';
import type { AlertEvent, AlertEventName } from '../domain/notification-events';
import {
  AlertCondition,
  alertKey,
  AlertPolicy,
  backupAgeConditions,
  planAlerts,
  SIZE_BASELINE_COUNT,
  sizeChangeConditions,
  storageConditions,
} from './alert-rules';
import { storageUsage } from './storage-usage';

export interface AlertEvaluationDeps {
  stats: CatalogStatsRepository;
  alerts: AlertRepository;
  storages: readonly StorageBackend[];
  /** Queues the event on the notification channels. */
  publish(event: AlertEvent): Promise<unknown>;
}

export interface AlertEvaluationResult {
  opened: string[];
  resolved: string[];
  announced: string[];
  open: number;
}

export function alertEvent(name: AlertEventName, alert: Alert, now: Date): AlertEvent {
  return {
    event: name,
    alert: {
      id: alert.id,
      kind: alert.kind,
      subject: alert.subject,
      message: alert.message,
      since: alert.activeSince.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    },
    timestamp: now.toISOString(),
  };
}

/** The conditions that hold now, and the keys that could not be evaluated. */
async function currentConditions(
  deps: AlertEvaluationDeps,
  policy: AlertPolicy,
  now: Date,
  openKeys: ReadonlySet<string>,
): Promise<{ conditions: AlertCondition[]; unknown: Set<string> }> {
  const [lastSuccessful, monitoredSince] = await Promise.all([deps.stats.lastSuccessfulPerType(), deps.stats.monitoredSince()]);
  const types = BACKUP_TYPES.filter((t) => monitoredSince.has(t) || lastSuccessful.some((b) => b.type === t));
  const ageFacts = types.map((type) => {
    const last = lastSuccessful.find((b) => b.type === type);
    return { type, lastSuccessAt: last ? (last.completedAt ?? last.createdAt) : null, monitoredSince: monitoredSince.get(type) ?? null };
  });
  const histories = await Promise.all(
    types.map(async (type) => ({
      type,
      backups: (await deps.stats.recentSuccessful(type, SIZE_BASELINE_COUNT + 1)).map((b) => ({ filename: b.filename, sizeBytes: b.sizeBytes ?? 0 })),
    })),
  );
  const usages = policy.storagePct > 0 ? await storageUsage(deps.storages) : [];
  return {
    conditions: [
      ...backupAgeConditions(ageFacts, policy.maxAgeHours, now),
      ...sizeChangeConditions(histories, policy.sizeChangePct),
      ...storageConditions(usages, policy.storagePct, openKeys),
    ],
    unknown: new Set(usages.filter((u) => u.error !== null).map((u) => alertKey('storage_usage', u.target))),
  };
}

/**
 * One evaluation: opens alerts for new conditions, refreshes the ones that
 * still hold, closes the ones that ended — then announces every opened alert
 * not yet announced and every end not yet announced. The announcement marks
 * live in the catalog, so each start and end goes out once, and one that could
 * not be queued (Redis away) goes out on the next evaluation.
 */
export async function evaluateAlerts(deps: AlertEvaluationDeps, policy: AlertPolicy, now: Date = new Date()): Promise<AlertEvaluationResult> {
  const openBefore = await deps.alerts.listOpen();
  const { conditions, unknown } = await currentConditions(deps, policy, now, new Set(openBefore.map((a) => a.key)));
  const plan = planAlerts(conditions, openBefore, unknown);
  const opened: string[] = [];
  for (const c of plan.open) {
    const alert = await deps.alerts.open({ key: c.key, kind: c.kind, subject: c.subject, message: c.message, details: c.details, activeSince: now });
    if (alert) opened.push(c.key);
  }
  for (const { alert, condition } of plan.keep) {
    await deps.alerts.stillActive(alert.id, { message: condition.message, details: condition.details, lastSeenAt: now });
  }
  for (const alert of plan.resolve) await deps.alerts.resolve(alert.id, now);

  const announced: string[] = [];
  const open = await deps.alerts.listOpen();
  for (const alert of open.filter((a) => !a.notifiedAt)) {
    await deps.publish(alertEvent('alert.triggered', alert, now));
    await deps.alerts.markNotified(alert.id, now);
    announced.push(`alert.triggered ${alert.key}`);
  }
  for (const alert of await deps.alerts.pendingResolutions()) {
    await deps.publish(alertEvent('alert.resolved', alert, now));
    await deps.alerts.markResolvedNotified(alert.id, now);
    announced.push(`alert.resolved ${alert.key}`);
  }
  return { opened, resolved: plan.resolve.map((a) => a.key), announced, open: open.length };
}

import type { BackupType } from '../domain/types';
import type { AlertKind } from '../domain/notification-events';
import { round1 } from '../util/format';

/** Thresholds from the configuration; 0 switches a rule off. */
export interface AlertPolicy {
  maxAgeHours: number;
  sizeChangePct: number;
  storagePct: number;
}

/** A condition that holds right now. Its key identifies it across evaluations. */
export interface AlertCondition {
  key: string;
  kind: AlertKind;
  subject: string;
  message: string;
  details: Record<string, unknown>;
}

/** How many earlier backups the size of the newest one is compared with, and how many are needed to judge at all. */
export const SIZE_BASELINE_COUNT = 7;
export const SIZE_BASELINE_MINIMUM = 3;

const HOUR_MS = 3_600_000;

export function alertKey(kind: AlertKind, subject: string): string {
  return `${kind}:${subject}`;
}

export interface BackupAgeFacts {
  type: BackupType;
  lastSuccessAt: Date | null;
  /** When backups of this type started to be expected (first attempt or schedule); null if never. */
  monitoredSince: Date | null;
}

/**
 * "No successful backup of a type in N hours". A type nobody ever scheduled or
 * attempted is not expected, so it cannot be late; one that never succeeded is
 * late N hours after it was first expected.
 */
export function backupAgeConditions(facts: BackupAgeFacts[], maxAgeHours: number, now: Date): AlertCondition[] {
  if (maxAgeHours <= 0) return [];
  const conditions: AlertCondition[] = [];
  for (const f of facts) {
    const reference = f.lastSuccessAt ?? f.monitoredSince;
    if (!reference) continue;
    const ageHours = (now.getTime() - reference.getTime()) / HOUR_MS;
    if (ageHours <= maxAgeHours) continue;
    const message = f.lastSuccessAt
      ? `No successful ${f.type} backup for ${round1(ageHours)} h (limit ${maxAgeHours} h)`
      : `No successful ${f.type} backup yet, ${round1(ageHours)} h after the first was expected (limit ${maxAgeHours} h)`;
    conditions.push({
      key: alertKey('backup_age', f.type),
      kind: 'backup_age',
      subject: f.type,
      message,
      details: { lastSuccessAt: f.lastSuccessAt?.toISOString() ?? null, ageHours: round1(ageHours), maxAgeHours },
    });
  }
  return conditions;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface SizeHistory {
  type: BackupType;
  /** Successful backups, newest first. */
  backups: { filename: string; sizeBytes: number }[];
}

/**
 * The newest backup against the median of up to 7 before it — the classic sign
 * of a silently broken dump is a sudden drop. The median keeps one odd backup
 * from moving the baseline, so the alert ends when sizes return to normal.
 */
export function sizeChangeConditions(histories: SizeHistory[], changePct: number): AlertCondition[] {
  if (changePct <= 0) return [];
  const conditions: AlertCondition[] = [];
  for (const h of histories) {
    const [newest, ...earlier] = h.backups;
    const baseline = earlier.slice(0, SIZE_BASELINE_COUNT).map((b) => b.sizeBytes);
    if (!newest || baseline.length < SIZE_BASELINE_MINIMUM) continue;
    const reference = median(baseline);
    if (reference <= 0) continue;
    const change = ((newest.sizeBytes - reference) / reference) * 100;
    if (Math.abs(change) <= changePct) continue;
    const direction = change < 0 ? 'smaller' : 'larger';
    conditions.push({
      key: alertKey('size_change', h.type),
      kind: 'size_change',
      subject: h.type,
      message: `The newest ${h.type} backup is ${round1(Math.abs(change))}% ${direction} than the median of the ${baseline.length} before it (limit ${changePct}%)`,
      details: { filename: newest.filename, sizeBytes: newest.sizeBytes, medianBytes: reference, changePct: round1(change), limitPct: changePct },
    });
  }
  return conditions;
}

export interface StorageFill {
  target: string;
  /** Null where the backend cannot tell (object storage has no capacity). */
  usedPercent: number | null;
}

/** Percentage points a full volume must free before its alert ends, so usage hovering at the limit does not flap. */
export const STORAGE_ALERT_HYSTERESIS_PCT = 2;

export function storageConditions(fills: StorageFill[], limitPct: number, openKeys: ReadonlySet<string> = new Set()): AlertCondition[] {
  if (limitPct <= 0) return [];
  const threshold = (target: string) => (openKeys.has(alertKey('storage_usage', target)) ? limitPct - STORAGE_ALERT_HYSTERESIS_PCT : limitPct);
  return fills
    .filter((f): f is StorageFill & { usedPercent: number } => f.usedPercent !== null && f.usedPercent > threshold(f.target))
    .map((f) => ({
      key: alertKey('storage_usage', f.target),
      kind: 'storage_usage' as const,
      subject: f.target,
      message: `Storage target ${f.target} is ${round1(f.usedPercent)}% full (limit ${limitPct}%)`,
      details: { usedPercent: round1(f.usedPercent), limitPct },
    }));
}

export interface OpenAlertRef {
  id: string;
  key: string;
}

export interface AlertPlan<A extends OpenAlertRef> {
  /** Conditions with no open alert: open one and announce it. */
  open: AlertCondition[];
  /** Open alerts whose condition still holds: refresh, announce nothing. */
  keep: { alert: A; condition: AlertCondition }[];
  /** Open alerts whose condition ended: close and announce the end. */
  resolve: A[];
}

/**
 * Turns this evaluation's conditions into changes of the open alerts, so each
 * condition is announced once when it starts and once when it ends. Keys that
 * could not be evaluated this time (an unreachable storage target) keep their
 * alert as it is: not knowing is not the same as fine.
 */
export function planAlerts<A extends OpenAlertRef>(conditions: AlertCondition[], openAlerts: A[], unknownKeys: ReadonlySet<string> = new Set()): AlertPlan<A> {
  const byKey = new Map(openAlerts.map((a) => [a.key, a]));
  const holding = new Set(conditions.map((c) => c.key));
  return {
    open: conditions.filter((c) => !byKey.has(c.key)),
    keep: conditions.filter((c) => byKey.has(c.key)).map((c) => ({ alert: byKey.get(c.key)!, condition: c })),
    resolve: openAlerts.filter((a) => !holding.has(a.key) && !unknownKeys.has(a.key)),
  };
}

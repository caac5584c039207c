import { DateTime } from 'luxon';
import { BackupStatus, BackupType, USABLE_BACKUP_STATUSES, VerificationStatus } from './types';

/** How long the backups of one schedule (or of no schedule) are kept. */
export interface RetentionPolicy {
  /** Backups younger than this many days are kept; older ones only when a rule below keeps them. */
  retentionDays: number;
  /** Keep every backup of the last N calendar days (today is the first). */
  keepDaily: number;
  /** Keep the newest backup of each of the last N calendar weeks (ISO weeks, Monday first; this week is the first). */
  keepWeekly: number;
  /** Keep the newest backup of each of the last N calendar months (this month is the first). */
  keepMonthly: number;
}

/** What the policy needs to know about a backup: catalog facts, never file names. */
export interface RetentionCandidate {
  id: string;
  type: BackupType;
  status: BackupStatus;
  createdAt: Date;
  isProtected: boolean;
  protectedUntil: Date | null;
  /** A backup that failed verification is kept by a "one per period" rule only when its period has no other. */
  verificationStatus?: VerificationStatus | null;
}

export type KeepReason =
  | { rule: 'protected' }
  | { rule: 'protected_until'; until: string }
  | { rule: 'newest' }
  | { rule: 'in_progress' }
  | { rule: 'daily'; period: string }
  | { rule: 'weekly'; period: string }
  | { rule: 'monthly'; period: string }
  | { rule: 'retention'; until: string }
  | { rule: 'failed_history'; until: string };

/**
 * `expired`: a usable backup older than retentionDays that no rule keeps.
 * `failed` / `abandoned`: a failed, or still "running", backup older than retentionDays.
 */
export type DeleteReason = 'expired' | 'failed' | 'abandoned';

export type RetentionDecision<T extends RetentionCandidate> =
  /** Keep the backup (and its file); `reasons` names every rule that keeps it. */
  | { backup: T; action: 'keep'; reasons: KeepReason[] }
  /** Delete the stored file(s) and the catalog row. */
  | { backup: T; action: 'delete'; reason: DeleteReason }
  /** A failed backup still within retention: remove whatever it left in storage, keep its row as history. */
  | { backup: T; action: 'clean'; reasons: KeepReason[] };

export interface RetentionInput<T extends RetentionCandidate> {
  backups: readonly T[];
  policy: RetentionPolicy;
  now: Date;
  /** IANA zone in which days, weeks and months are counted (the schedule's). */
  timeZone: string;
}

const USABLE = new Set<BackupStatus>(USABLE_BACKUP_STATUSES);

/** Calendar period keys of the last `count` days/weeks/months, in `timeZone`, counting the current one. */
function recentPeriods(now: DateTime, unit: 'day' | 'week' | 'month', count: number): Set<string> {
  const periods = new Set<string>();
  const start = now.startOf(unit);
  for (let i = 0; i < count; i++) periods.add(periodKey(start.minus({ [unit]: i }), unit));
  return periods;
}

function periodKey(at: DateTime, unit: 'day' | 'week' | 'month'): string {
  if (unit === 'day') return at.toFormat('yyyy-MM-dd');
  if (unit === 'week') return at.toFormat("kkkk-'W'WW");
  return at.toFormat('yyyy-MM');
}

/** Which of two backups a "keep one" rule keeps: one that did not fail verification, else the newer. */
function preferred<T extends RetentionCandidate>(current: T | undefined, backup: T): T {
  if (!current) return backup;
  const currentBad = current.verificationStatus === 'failed';
  if (currentBad !== (backup.verificationStatus === 'failed')) return currentBad ? backup : current;
  return backup.createdAt > current.createdAt ? backup : current;
}

/** For each period in `periods`, the id of the backup kept for it: the newest usable one that did not fail verification. */
function newestPerPeriod(
  usable: readonly RetentionCandidate[],
  local: Map<string, DateTime>,
  unit: 'week' | 'month',
  periods: Set<string>,
): Map<string, string> {
  if (periods.size === 0) return new Map();
  const kept = new Map<string, RetentionCandidate>();
  for (const backup of usable) {
    const key = periodKey(local.get(backup.id)!, unit);
    if (periods.has(key)) kept.set(key, preferred(kept.get(key), backup));
  }
  return new Map([...kept].map(([key, backup]) => [backup.id, key]));
}

function decideType<T extends RetentionCandidate>(backups: readonly T[], policy: RetentionPolicy, now: DateTime): RetentionDecision<T>[] {
  const zone = now.zoneName ?? 'UTC';
  const cutoff = now.minus({ days: policy.retentionDays });
  const until = (created: DateTime) => created.plus({ days: policy.retentionDays }).toUTC().toISO()!;
  const usable = backups.filter((b) => USABLE.has(b.status));
  const newest = usable.reduce<T | undefined>((best, b) => (!best || b.createdAt > best.createdAt ? b : best), undefined);
  // Besides the newest, the newest one that did not fail verification: never only a known-bad backup.
  const newestGood = usable.reduce<T | undefined>(preferred, undefined);
  const local = new Map(backups.map((b) => [b.id, DateTime.fromJSDate(b.createdAt, { zone })]));
  const days = recentPeriods(now, 'day', policy.keepDaily);
  const weekly = newestPerPeriod(usable, local, 'week', recentPeriods(now, 'week', policy.keepWeekly));
  const monthly = newestPerPeriod(usable, local, 'month', recentPeriods(now, 'month', policy.keepMonthly));

  return backups.map((backup): RetentionDecision<T> => {
    const created = local.get(backup.id)!;
    const expired = created < cutoff;
    const reasons: KeepReason[] = [];
    if (backup.isProtected) reasons.push({ rule: 'protected' });
    if (backup.protectedUntil && backup.protectedUntil > now.toJSDate()) reasons.push({ rule: 'protected_until', until: backup.protectedUntil.toISOString() });

    if (backup.status === 'running') {
      if (reasons.length === 0 && expired) return { backup, action: 'delete', reason: 'abandoned' };
      return { backup, action: 'keep', reasons: [...reasons, { rule: 'in_progress' }] };
    }
    if (!USABLE.has(backup.status)) {
      if (reasons.length > 0) return { backup, action: 'keep', reasons };
      if (expired) return { backup, action: 'delete', reason: 'failed' };
      return { backup, action: 'clean', reasons: [{ rule: 'failed_history', until: until(created) }] };
    }

    if (backup === newest || backup === newestGood) reasons.push({ rule: 'newest' });
    const day = days.size > 0 ? periodKey(created, 'day') : '';
    if (days.has(day)) reasons.push({ rule: 'daily', period: day });
    const week = weekly.get(backup.id);
    if (week) reasons.push({ rule: 'weekly', period: week });
    const month = monthly.get(backup.id);
    if (month) reasons.push({ rule: 'monthly', period: month });
    if (!expired) reasons.push({ rule: 'retention', until: until(created) });
    if (reasons.length === 0) return { backup, action: 'delete', reason: 'expired' };
    return { backup, action: 'keep', reasons };
  });
}

/**
 * Decides, for every backup, whether retention keeps it (and why) or deletes it.
 * Pure: the same input always gives the same answer; nothing is read or deleted here.
 *
 * Rules, per backup type: protected backups and backups protected until a future
 * time are always kept; the newest usable backup is always kept; every backup of
 * the last `keepDaily` calendar days is kept; the newest backup of each of the
 * last `keepWeekly` calendar weeks and `keepMonthly` calendar months is kept,
 * whatever day it was taken on; any backup younger than `retentionDays` is kept;
 * everything else is deleted. Failed backups always lose their stored leftovers,
 * and their rows go once older than `retentionDays`. Days, weeks and months are
 * counted in `timeZone`, so DST changes shift nothing.
 */
export function decideRetention<T extends RetentionCandidate>(input: RetentionInput<T>): RetentionDecision<T>[] {
  const now = DateTime.fromJSDate(input.now, { zone: input.timeZone });
  if (!now.isValid) throw new Error(`Unknown time zone "${input.timeZone}"`);
  const byType = new Map<BackupType, T[]>();
  for (const backup of input.backups) byType.set(backup.type, [...(byType.get(backup.type) ?? []), backup]);
  const decisions = [...byType.values()].flatMap((group) => decideType(group, input.policy, now));
  return decisions.sort((a, b) => b.backup.createdAt.getTime() - a.backup.createdAt.getTime() || a.backup.id.localeCompare(b.backup.id));
}

import { DateTime } from 'luxon';
import { BackupStatus, BackupType, USABLE_BACKUP_STATUSES, VerificationStatus } from './types';

/** How long the backups of one schedule (or of no schedule) are kept. */
export interface RetentionPolicy {
  /** The maximum age in days: older backups are deleted (protected ones and the newest usable one excepted). */
  retentionDays: number;
  /** Inside retentionDays: keep every backup of the last N calendar days (today is the first). */
  keepDaily: number;
  /** Inside retentionDays: keep the first backup on or after the Sunday of each of the last N weeks (this week is the first). */
  keepWeekly: number;
  /** Inside retentionDays: keep the first backup on or after the 1st of each of the last N months (this month is the first). */
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
  /** `period`: the local date. */
  | { rule: 'daily'; period: string }
  /** `period`: the local date of the week's Sunday. */
  | { rule: 'weekly'; period: string }
  /** `period`: the month (`2026-01`). */
  | { rule: 'monthly'; period: string }
  /** Only when no keepDaily/keepWeekly/keepMonthly is set: every backup inside retentionDays is kept. */
  | { rule: 'retention'; until: string }
  | { rule: 'failed_history'; until: string };

/**
 * `expired`: a usable backup older than retentionDays.
 * `not_kept`: a usable backup inside retentionDays that none of keepDaily/keepWeekly/keepMonthly keeps.
 * `failed` / `abandoned`: a failed, or still "running", backup older than retentionDays.
 */
export type DeleteReason = 'expired' | 'not_kept' | 'failed' | 'abandoned';

export type RetentionDecision<T extends RetentionCandidate> =
  /** Keep the backup (and its file); `reasons` names every rule that keeps it. */
  | { backup: T; action: 'keep'; reasons: KeepReason[]; explanation: string }
  /** Delete the stored file(s) and the catalog row. */
  | { backup: T; action: 'delete'; reason: DeleteReason; explanation: string }
  /** A failed backup still within retention: remove whatever it left in storage, keep its row as history. */
  | { backup: T; action: 'clean'; reasons: KeepReason[]; explanation: string };

export interface RetentionInput<T extends RetentionCandidate> {
  backups: readonly T[];
  policy: RetentionPolicy;
  now: Date;
  /** IANA zone in which days, weeks and months are counted (the schedule's). */
  timeZone: string;
}

type Unit = 'day' | 'week' | 'month';

const USABLE = new Set<BackupStatus>(USABLE_BACKUP_STATUSES);

const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar date as `yyyy-MM-dd`; the day may be out of range (Date.UTC normalises it). */
function dateKey(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/**
 * The key of the period `at` is in, from its local calendar fields (cheap: no zone
 * arithmetic per backup): the date; the date of the week's Sunday (luxon's weeks
 * start on Monday, the guide's on Sunday); the month.
 */
function periodKey(at: DateTime, unit: Unit): string {
  if (unit === 'month') return `${at.year}-${pad(at.month)}`;
  return dateKey(at.year, at.month, unit === 'day' ? at.day : at.day - (at.weekday % 7));
}

/** Keys of the last `count` days/weeks/months, in the zone of `now`, counting the current one. */
function recentPeriods(now: DateTime, unit: Unit, count: number): Set<string> {
  const periods = new Set<string>();
  const step = unit === 'week' ? { days: 7 } : { [unit]: 1 };
  let at = now;
  for (let i = 0; i < count; i++, at = at.minus(step)) periods.add(periodKey(at, unit));
  return periods;
}

const failedVerification = (b: RetentionCandidate) => b.verificationStatus === 'failed';

/** Which of two backups a "keep one" rule keeps: one that did not fail verification, else the earlier (or newer) one. */
function preferred<T extends RetentionCandidate>(current: T | undefined, backup: T, pick: 'first' | 'newest'): T {
  if (!current) return backup;
  if (failedVerification(current) !== failedVerification(backup)) return failedVerification(current) ? backup : current;
  const later = backup.createdAt > current.createdAt;
  return (pick === 'newest') === later ? backup : current;
}

/** For each period in `periods`, the backup kept for it: the first usable one taken in it that did not fail verification. */
function firstPerPeriod(usable: readonly RetentionCandidate[], local: Map<string, DateTime>, unit: Unit, periods: Set<string>): Map<string, string> {
  const kept = new Map<string, RetentionCandidate>();
  if (periods.size === 0) return new Map();
  for (const backup of usable) {
    const key = periodKey(local.get(backup.id)!, unit);
    if (periods.has(key)) kept.set(key, preferred(kept.get(key), backup, 'first'));
  }
  return new Map([...kept].map(([key, backup]) => [backup.id, key]));
}

/** The preview's words for why a backup is kept. */
function explainKeep(reason: KeepReason, policy: RetentionPolicy, type: BackupType): string {
  switch (reason.rule) {
    case 'protected':
      return 'protected';
    case 'protected_until':
      return `protected until ${reason.until}`;
    case 'newest':
      return `the newest usable ${type} backup, kept whatever its age`;
    case 'in_progress':
      return 'still being written';
    case 'daily':
      return `taken on ${reason.period}, one of the last ${policy.keepDaily} day(s) (keepDaily ${policy.keepDaily})`;
    case 'weekly':
      return `the first backup on or after Sunday ${reason.period}, that week's keep (keepWeekly ${policy.keepWeekly})`;
    case 'monthly':
      return `the first backup on or after ${reason.period}-01, that month's keep (keepMonthly ${policy.keepMonthly})`;
    case 'retention':
      return `younger than retentionDays (${policy.retentionDays}) until ${reason.until}; no keepDaily/keepWeekly/keepMonthly is set`;
    case 'failed_history':
      return `a failed backup: its stored leftovers are removed, its row stays as history until ${reason.until}`;
  }
}

function explainDelete(reason: DeleteReason, policy: RetentionPolicy, cutoff: string): string {
  const limit = `retentionDays (${policy.retentionDays}): taken before ${cutoff}`;
  switch (reason) {
    case 'expired':
      return `older than ${limit}`;
    case 'not_kept':
      return (
        `inside retentionDays (${policy.retentionDays}), but not one that keepDaily (${policy.keepDaily}), ` +
        `keepWeekly (${policy.keepWeekly}) or keepMonthly (${policy.keepMonthly}) keeps`
      );
    case 'failed':
      return `a failed backup older than ${limit}`;
    case 'abandoned':
      return `still marked running though older than ${limit}: the worker writing it died`;
  }
}

function decideType<T extends RetentionCandidate>(backups: readonly T[], policy: RetentionPolicy, now: DateTime): RetentionDecision<T>[] {
  const zone = now.zoneName ?? 'UTC';
  const cutoff = now.minus({ days: policy.retentionDays });
  const cutoffIso = cutoff.toUTC().toISO()!;
  const until = (created: DateTime) => created.plus({ days: policy.retentionDays }).toUTC().toISO()!;
  const usable = backups.filter((b) => USABLE.has(b.status));
  // One newest usable backup survives everything: the newest that did not fail verification, else the newest.
  const newest = usable.reduce<T | undefined>((best, b) => preferred(best, b, 'newest'), undefined);
  const local = new Map(backups.map((b) => [b.id, DateTime.fromJSDate(b.createdAt, { zone })]));
  const days = recentPeriods(now, 'day', policy.keepDaily);
  // A period's keep is its real first backup: when that one is past the age limit, the period keeps nothing.
  const weekly = firstPerPeriod(usable, local, 'week', recentPeriods(now, 'week', policy.keepWeekly));
  const monthly = firstPerPeriod(usable, local, 'month', recentPeriods(now, 'month', policy.keepMonthly));
  const anyKeepRule = policy.keepDaily > 0 || policy.keepWeekly > 0 || policy.keepMonthly > 0;

  const keep = (backup: T, reasons: KeepReason[]): RetentionDecision<T> => ({
    backup,
    action: 'keep',
    reasons,
    explanation: reasons.map((r) => explainKeep(r, policy, backup.type)).join('; '),
  });
  const remove = (backup: T, reason: DeleteReason): RetentionDecision<T> => ({
    backup,
    action: 'delete',
    reason,
    explanation: explainDelete(reason, policy, cutoffIso),
  });

  return backups.map((backup): RetentionDecision<T> => {
    const created = local.get(backup.id)!;
    const expired = created < cutoff;
    const reasons: KeepReason[] = [];
    if (backup.isProtected) reasons.push({ rule: 'protected' });
    if (backup.protectedUntil && backup.protectedUntil > now.toJSDate()) reasons.push({ rule: 'protected_until', until: backup.protectedUntil.toISOString() });

    if (backup.status === 'running') {
      if (reasons.length === 0 && expired) return remove(backup, 'abandoned');
      return keep(backup, [...reasons, { rule: 'in_progress' }]);
    }
    if (!USABLE.has(backup.status)) {
      if (reasons.length > 0) return keep(backup, reasons);
      if (expired) return remove(backup, 'failed');
      const history: KeepReason[] = [{ rule: 'failed_history', until: until(created) }];
      return { backup, action: 'clean', reasons: history, explanation: explainKeep(history[0], policy, backup.type) };
    }

    if (backup === newest) reasons.push({ rule: 'newest' });
    if (!expired) {
      const day = days.size > 0 ? periodKey(created, 'day') : '';
      if (days.has(day)) reasons.push({ rule: 'daily', period: day });
      const week = weekly.get(backup.id);
      if (week) reasons.push({ rule: 'weekly', period: week });
      const month = monthly.get(backup.id);
      if (month) reasons.push({ rule: 'monthly', period: month });
      if (!anyKeepRule) reasons.push({ rule: 'retention', until: until(created) });
    }
    if (reasons.length > 0) return keep(backup, reasons);
    return remove(backup, expired ? 'expired' : 'not_kept');
  });
}

/**
 * Decides, for every backup, whether retention keeps it (and why) or deletes it.
 * Pure: the same input always gives the same answer; nothing is read or deleted here.
 *
 * Rules, per backup type: protected backups and backups protected until a future
 * time are always kept; the one newest usable backup (the newest that did not fail
 * verification, else the newest) is always kept; everything else older than
 * `retentionDays` is deleted — it is the maximum age. Inside it, when no keep rule
 * is set every backup is kept; otherwise only what a rule keeps: every backup of the
 * last `keepDaily` days, the first backup on or after the Sunday of each of the last
 * `keepWeekly` weeks, and the first on or after the 1st of each of the last
 * `keepMonthly` months (so a missed Sunday or 1st keeps the next backup). Failed
 * backups always lose their stored leftovers, and their rows go once older than
 * `retentionDays`. Days, weeks and months are counted in `timeZone`, so DST
 * changes shift nothing.
 */
export function decideRetention<T extends RetentionCandidate>(input: RetentionInput<T>): RetentionDecision<T>[] {
  const now = DateTime.fromJSDate(input.now, { zone: input.timeZone });
  if (!now.isValid) throw new Error(`Unknown time zone "${input.timeZone}"`);
  const byType = new Map<BackupType, T[]>();
  for (const backup of input.backups) byType.set(backup.type, [...(byType.get(backup.type) ?? []), backup]);
  const decisions = [...byType.values()].flatMap((group) => decideType(group, input.policy, now));
  return decisions.sort((a, b) => b.backup.createdAt.getTime() - a.backup.createdAt.getTime() || a.backup.id.localeCompare(b.backup.id));
}

export const RETENTION_WARNING_CODES = ['KEEP_WEEKLY_BEYOND_RETENTION', 'KEEP_MONTHLY_BEYOND_RETENTION'] as const;

export interface RetentionWarning {
  code: (typeof RETENTION_WARNING_CODES)[number];
  message: string;
}

/** Keeps are filters inside the age window: a keep reaching further back than retentionDays keeps less than it says. */
export function retentionWarnings(policy: RetentionPolicy): RetentionWarning[] {
  const warnings: RetentionWarning[] = [];
  const check = (code: RetentionWarning['code'], name: string, count: number, days: number) => {
    if (count * days <= policy.retentionDays) return;
    warnings.push({
      code,
      message:
        `${name} ${count} reaches back ${count * days} days, but retentionDays is ${policy.retentionDays}: ` +
        `backups older than ${policy.retentionDays} days are deleted whatever ${name} says`,
    });
  };
  check('KEEP_WEEKLY_BEYOND_RETENTION', 'keepWeekly', policy.keepWeekly, 7);
  check('KEEP_MONTHLY_BEYOND_RETENTION', 'keepMonthly', policy.keepMonthly, 31);
  return warnings;
}

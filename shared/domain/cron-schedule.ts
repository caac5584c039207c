import { CronExpression, CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';

/**
 * Cron timing of schedules, with the library BullMQ itself uses (cron-parser),
 * so what we validate and show is exactly what the job schedulers will do.
 * Five fields (minute precision) or six (with seconds first), or an alias like `@daily`.
 */

/** The canonical IANA name of a time zone (`europe/amsterdam` → `Europe/Amsterdam`), or null if unknown. */
export function canonicalTimeZone(zone: string): string | null {
  if (typeof zone !== 'string' || zone.trim() === '' || !IANAZone.isValidZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

function parse(expression: string, timeZone: string, at: Date): CronExpression {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: at });
}

/** Why `expression` is not a usable cron expression in `timeZone`, or null when it is. */
export function cronProblem(expression: string, timeZone: string, now = new Date()): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') return 'the cron expression is empty';
  if (!canonicalTimeZone(timeZone)) return `unknown time zone "${timeZone}"`;
  try {
    parse(expression.trim(), timeZone, now).next();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The next `count` run times strictly after `from`. */
export function nextRuns(expression: string, timeZone: string, from: Date, count: number): Date[] {
  const interval = parse(expression, timeZone, from);
  const runs: Date[] = [];
  for (let i = 0; i < count && interval.hasNext(); i++) runs.push(interval.next().toDate());
  return runs;
}

/**
 * The run time nearest to `at` (before or after it): the schedule slot an
 * external trigger, or a late or early scheduled job, belongs to. A trigger a
 * few seconds before or after 02:00 belongs to the 02:00 slot.
 */
export function nearestRun(expression: string, timeZone: string, at: Date): Date {
  const next = parse(expression, timeZone, at).next().toDate();
  // cron-parser's prev() is strictly before `currentDate`; a run exactly at `at` is the nearest.
  const probe = new Date(at.getTime() + 1);
  const backwards = parse(expression, timeZone, probe);
  const prev = backwards.hasPrev() ? backwards.prev().toDate() : null;
  if (!prev) return next;
  return at.getTime() - prev.getTime() <= next.getTime() - at.getTime() ? prev : next;
}

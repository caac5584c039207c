import { decideRetention, RetentionCandidate } from '../shared/domain/retention-policy';

/**
 * `node dist/scripts/bench-retention.js`: how long the retention decision takes for
 * large histories (hourly backups), so prune and the preview stay cheap.
 */
const now = new Date('2026-06-15T12:00:00Z');
const policy = { retentionDays: 30, keepDaily: 7, keepWeekly: 8, keepMonthly: 12 };
for (const count of [1000, 10_000]) {
  const backups: RetentionCandidate[] = Array.from({ length: count }, (_, i) => ({
    id: `b${i}`,
    type: 'database',
    status: 'completed',
    createdAt: new Date(now.getTime() - i * 3_600_000),
    isProtected: false,
    protectedUntil: null,
  }));
  decideRetention({ backups, policy, now, timeZone: 'Europe/Amsterdam' });
  const started = process.hrtime.bigint();
  const decisions = decideRetention({ backups, policy, now, timeZone: 'Europe/Amsterdam' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const kept = decisions.filter((d) => d.action === 'keep').length;
  process.stdout.write(`${count} hourly backups: ${ms.toFixed(1)} ms, ${kept} kept, ${count - kept} deleted\n`);
}

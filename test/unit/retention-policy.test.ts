import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { decideRetention, RetentionCandidate, RetentionDecision, RetentionPolicy, retentionWarnings } from '../../shared/domain/retention-policy';
import type { BackupStatus, BackupType } from '../../shared/domain/types';

/** `at` is local time in `zone` unless it ends with Z. */
function backup(id: string, at: string, zone: string, extra: Partial<RetentionCandidate> = {}): RetentionCandidate {
  const createdAt = at.endsWith('Z') ? new Date(at) : DateTime.fromISO(at, { zone }).toJSDate();
  return { id, type: 'database', status: 'completed', createdAt, isProtected: false, protectedUntil: null, ...extra };
}

const NONE: RetentionPolicy = { retentionDays: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };

/** id → "keep:rule,rule" | "delete:reason" | "clean:rule" for compact expectations. */
function summary(decisions: RetentionDecision<RetentionCandidate>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of decisions) {
    out[d.backup.id] =
      d.action === 'delete' ? `delete:${d.reason}` : `${d.action}:${d.reasons.map((r) => ('period' in r ? `${r.rule}(${r.period})` : r.rule)).join(',')}`;
  }
  return out;
}

interface Case {
  name: string;
  zone: string;
  now: string;
  policy: Partial<RetentionPolicy>;
  backups: [string, string, Partial<RetentionCandidate>?][];
  expect: Record<string, string>;
}

const cases: Case[] = [
  {
    name: "keepDaily keeps every backup of the last N calendar days of the schedule's zone, not of UTC; the rest of the window goes",
    zone: 'Europe/Amsterdam',
    now: '2026-01-20T10:00',
    policy: { retentionDays: 30, keepDaily: 3 },
    backups: [
      ['today', '2026-01-20T02:00'],
      ['yesterday-late', '2026-01-19T14:00'],
      ['yesterday', '2026-01-19T02:00'],
      ['two-days-ago', '2026-01-18T02:00'],
      // 00:30 local on the 18th, although UTC still says the 17th.
      ['utc-previous-day', '2026-01-17T23:30Z'],
      ['three-days-ago', '2026-01-17T23:30'],
    ],
    expect: {
      today: 'keep:newest,daily(2026-01-20)',
      'yesterday-late': 'keep:daily(2026-01-19)',
      yesterday: 'keep:daily(2026-01-19)',
      'two-days-ago': 'keep:daily(2026-01-18)',
      'utc-previous-day': 'keep:daily(2026-01-18)',
      'three-days-ago': 'delete:not_kept',
    },
  },
  {
    name: "keepWeekly keeps the first backup on or after each week's Sunday, so a missed Sunday keeps the next day's",
    zone: 'UTC',
    // Wednesday; this week began on Sunday 18 January.
    now: '2026-01-21T12:00',
    policy: { retentionDays: 60, keepWeekly: 4 },
    backups: [
      ['mon-0119', '2026-01-19T01:00'],
      ['sun-0118', '2026-01-18T01:00'],
      ['sat-0117', '2026-01-17T01:00'],
      // Sunday 11 January was missed: Monday's backup is that week's keep.
      ['mon-0112', '2026-01-12T01:00'],
      ['thu-0108', '2026-01-08T01:00'],
      ['sun-0104', '2026-01-04T01:00'],
      ['mon-1229', '2025-12-29T01:00'],
      ['sun-1228', '2025-12-28T01:00'],
      // The fifth week back: inside retentionDays, but keepWeekly is 4.
      ['sun-1221', '2025-12-21T01:00'],
    ],
    expect: {
      'mon-0119': 'keep:newest',
      'sun-0118': 'keep:weekly(2026-01-18)',
      'sat-0117': 'delete:not_kept',
      'mon-0112': 'keep:weekly(2026-01-11)',
      'thu-0108': 'delete:not_kept',
      'sun-0104': 'keep:weekly(2026-01-04)',
      'mon-1229': 'delete:not_kept',
      'sun-1228': 'keep:weekly(2025-12-28)',
      'sun-1221': 'delete:not_kept',
    },
  },
  {
    name: "weeks start on Sunday in the schedule's zone: Saturday evening in New York is not Sunday's keep, though UTC says Sunday",
    zone: 'America/New_York',
    now: '2026-01-20T12:00',
    policy: { retentionDays: 30, keepWeekly: 2 },
    backups: [
      ['mon', '2026-01-19T02:00'],
      ['sun-local', '2026-01-18T01:00'],
      ['sat-late', '2026-01-17T23:30'],
      ['sun-0111', '2026-01-11T02:00'],
    ],
    expect: {
      mon: 'keep:newest',
      'sun-local': 'keep:weekly(2026-01-18)',
      'sat-late': 'delete:not_kept',
      'sun-0111': 'keep:weekly(2026-01-11)',
    },
  },
  {
    name: 'keepMonthly keeps the first backup on or after the 1st of each month in the zone; a missed 1st keeps the next one',
    zone: 'America/New_York',
    now: '2026-03-15T12:00',
    policy: { retentionDays: 100, keepMonthly: 3 },
    backups: [
      ['mar-10', '2026-03-10T01:00'],
      ['mar-01', '2026-03-01T01:00'],
      // 22:00 on 28 Feb in New York is already 1 March in UTC: it is February's, and not its first.
      ['feb-28-evening', '2026-02-28T22:00'],
      // 1 and 2 February were missed.
      ['feb-03', '2026-02-03T02:00'],
      ['jan-15', '2026-01-15T02:00'],
      ['jan-02', '2026-01-02T02:00'],
      // 20:00 on 31 Dec in New York is 1 January in UTC: it belongs to December, beyond keepMonthly.
      ['dec-31-evening', '2025-12-31T20:00'],
    ],
    expect: {
      'mar-10': 'keep:newest',
      'mar-01': 'keep:monthly(2026-03)',
      'feb-28-evening': 'delete:not_kept',
      'feb-03': 'keep:monthly(2026-02)',
      'jan-15': 'delete:not_kept',
      'jan-02': 'keep:monthly(2026-01)',
      'dec-31-evening': 'delete:not_kept',
    },
  },
  {
    name: 'retentionDays is the maximum age: a monthly keep older than it is deleted, and its month keeps nothing else',
    zone: 'UTC',
    now: '2026-06-15T12:00',
    policy: { retentionDays: 30, keepMonthly: 12 },
    backups: [
      ['jun-14', '2026-06-14T02:00'],
      ['jun-01', '2026-06-01T02:00'],
      // Inside the window, but May's first backup is may-01.
      ['may-20', '2026-05-20T02:00'],
      ['may-01', '2026-05-01T02:00'],
      ['apr-01', '2026-04-01T02:00'],
      ['protected-old', '2025-01-01T02:00', { isProtected: true }],
    ],
    expect: {
      'jun-14': 'keep:newest',
      'jun-01': 'keep:monthly(2026-06)',
      'may-20': 'delete:not_kept',
      'may-01': 'delete:expired',
      'apr-01': 'delete:expired',
      'protected-old': 'keep:protected',
    },
  },
  {
    name: 'DST starts (23-hour day): retentionDays counts wall-clock days, not 24-hour blocks',
    zone: 'Europe/Amsterdam',
    // 01:00 CEST on 30 March; 29 March had 23 hours.
    now: '2026-03-30T01:00',
    policy: { retentionDays: 1 },
    backups: [
      ['newest', '2026-03-29T22:00Z'],
      // 01:30 CET on 29 March: within one wall-clock day of 01:00 on the 30th.
      ['after-cutoff', '2026-03-29T00:30Z'],
      // 00:30 CET on 29 March: before the cutoff (01:00 CET on the 29th), though only 23.5 hours old.
      ['before-cutoff', '2026-03-28T23:30Z'],
    ],
    expect: {
      newest: 'keep:newest,retention',
      'after-cutoff': 'keep:retention',
      'before-cutoff': 'delete:expired',
    },
  },
  {
    name: 'DST ends (25-hour day): both 02:30 backups of 25 October belong to that day',
    zone: 'Europe/Amsterdam',
    now: '2026-10-26T12:00',
    policy: { retentionDays: 30, keepDaily: 2 },
    backups: [
      ['oct-26', '2026-10-26T01:00Z'],
      ['second-0230', '2026-10-25T01:30Z'],
      ['first-0230', '2026-10-25T00:30Z'],
      ['just-after-midnight', '2026-10-24T22:30Z'],
      ['before-midnight', '2026-10-24T21:59Z'],
    ],
    expect: {
      'oct-26': 'keep:newest,daily(2026-10-26)',
      'second-0230': 'keep:daily(2026-10-25)',
      'first-0230': 'keep:daily(2026-10-25)',
      'just-after-midnight': 'keep:daily(2026-10-25)',
      'before-midnight': 'delete:not_kept',
    },
  },
  {
    name: 'protected backups and backups protected until a future time are never deleted',
    zone: 'UTC',
    now: '2026-06-01T00:00',
    policy: { retentionDays: 7 },
    backups: [
      ['newest', '2026-05-31T00:00'],
      ['protected', '2025-01-01T00:00', { isProtected: true }],
      ['pre-restore', '2026-01-01T00:00', { protectedUntil: new Date('2026-06-02T00:00Z') }],
      ['protection-over', '2026-01-02T00:00', { protectedUntil: new Date('2026-05-01T00:00Z') }],
      ['protected-failed', '2025-02-01T00:00', { status: 'failed', isProtected: true }],
    ],
    expect: {
      newest: 'keep:newest,retention',
      protected: 'keep:protected',
      'pre-restore': 'keep:protected_until',
      'protection-over': 'delete:expired',
      'protected-failed': 'keep:protected',
    },
  },
  {
    name: 'the newest completed backup is kept however old it is, and a newer failure does not replace it',
    zone: 'UTC',
    now: '2026-06-01T00:00',
    policy: { retentionDays: 7 },
    backups: [
      ['recent-failure', '2026-05-31T00:00', { status: 'failed' }],
      ['old-but-newest', '2026-01-10T00:00', { status: 'completed_with_warnings' }],
      ['older', '2026-01-09T00:00'],
    ],
    expect: {
      'recent-failure': 'clean:failed_history',
      'old-but-newest': 'keep:newest',
      older: 'delete:expired',
    },
  },
  {
    name: 'failed backups lose their leftovers at once and their rows after retentionDays; stale "running" rows are abandoned',
    zone: 'UTC',
    now: '2026-06-01T00:00',
    policy: { retentionDays: 7 },
    backups: [
      ['newest', '2026-05-31T00:00'],
      ['running-now', '2026-05-31T23:59', { status: 'running' }],
      ['failed-recent', '2026-05-30T00:00', { status: 'failed' }],
      ['failed-old', '2026-05-01T00:00', { status: 'failed' }],
      ['running-stale', '2026-05-01T00:00', { status: 'running' }],
    ],
    expect: {
      newest: 'keep:newest,retention',
      'running-now': 'keep:in_progress',
      'failed-recent': 'clean:failed_history',
      'failed-old': 'delete:failed',
      'running-stale': 'delete:abandoned',
    },
  },
  {
    name: 'each backup type keeps its own newest backup and weeks',
    zone: 'UTC',
    // Wednesday; the week began on Sunday 31 May.
    now: '2026-06-03T00:00',
    policy: { retentionDays: 30, keepWeekly: 1 },
    backups: [
      ['db-new', '2026-06-02T12:00'],
      ['db-first', '2026-06-01T12:00'],
      ['db-old', '2026-05-01T00:00'],
      ['src-only', '2026-04-01T00:00', { type: 'source' as BackupType }],
    ],
    expect: {
      'db-new': 'keep:newest',
      'db-first': 'keep:weekly(2026-05-31)',
      'db-old': 'delete:expired',
      'src-only': 'keep:newest',
    },
  },
  {
    name: 'rules combine inside the window: keepDaily, keepWeekly and keepMonthly each keep their own; everything else goes',
    zone: 'UTC',
    // Wednesday 2026-04-15; the window starts on 16 March.
    now: '2026-04-15T12:00',
    policy: { retentionDays: 30, keepDaily: 2, keepWeekly: 2, keepMonthly: 3 },
    backups: [
      ['apr-15', '2026-04-15T02:00'],
      ['apr-14', '2026-04-14T02:00'],
      ['apr-13', '2026-04-13T02:00'],
      ['apr-12-sun', '2026-04-12T02:00'],
      ['apr-11', '2026-04-11T02:00'],
      ['apr-05-sun', '2026-04-05T02:00'],
      ['apr-01', '2026-04-01T02:00'],
      ['mar-20', '2026-03-20T02:00'],
      ['mar-02', '2026-03-02T02:00'],
      ['feb-01', '2026-02-01T02:00'],
    ],
    expect: {
      'apr-15': 'keep:newest,daily(2026-04-15)',
      'apr-14': 'keep:daily(2026-04-14)',
      'apr-13': 'delete:not_kept',
      'apr-12-sun': 'keep:weekly(2026-04-12)',
      'apr-11': 'delete:not_kept',
      'apr-05-sun': 'keep:weekly(2026-04-05)',
      'apr-01': 'keep:monthly(2026-04)',
      'mar-20': 'delete:not_kept',
      'mar-02': 'delete:expired',
      'feb-01': 'delete:expired',
    },
  },
  {
    name: 'a backup that failed verification does not stand in for its month or as the newest: a good one is kept instead',
    zone: 'UTC',
    now: '2026-03-10T12:00',
    policy: { retentionDays: 60, keepMonthly: 3 },
    backups: [
      ['mar-09-corrupt', '2026-03-09T02:00', { verificationStatus: 'failed' }],
      ['mar-08-good', '2026-03-08T02:00', { verificationStatus: 'verified' }],
      ['mar-01-corrupt', '2026-03-01T02:00', { verificationStatus: 'failed' }],
      ['feb-only-corrupt', '2026-02-10T02:00', { verificationStatus: 'failed' }],
      ['jan-31-good', '2026-01-31T02:00', { verificationStatus: 'pending' }],
      ['jan-30-corrupt', '2026-01-30T02:00', { verificationStatus: 'failed' }],
    ],
    expect: {
      'mar-09-corrupt': 'delete:not_kept',
      'mar-08-good': 'keep:newest,monthly(2026-03)',
      'mar-01-corrupt': 'delete:not_kept',
      'feb-only-corrupt': 'keep:monthly(2026-02)',
      'jan-31-good': 'keep:monthly(2026-01)',
      'jan-30-corrupt': 'delete:not_kept',
    },
  },
];

describe('retention policy', () => {
  for (const c of cases) {
    it(c.name, () => {
      const decisions = decideRetention({
        backups: c.backups.map(([id, at, extra]) => backup(id, at, c.zone, extra)),
        policy: { ...NONE, ...c.policy },
        now: DateTime.fromISO(c.now, { zone: c.zone }).toJSDate(),
        timeZone: c.zone,
      });
      assert.deepEqual(summary(decisions), c.expect);
    });
  }

  it('tells until when retention keeps a backup, in UTC', () => {
    const [decision] = decideRetention({
      backups: [backup('a', '2026-03-28T12:00', 'Europe/Amsterdam')],
      policy: { ...NONE, retentionDays: 2 },
      now: new Date('2026-03-29T12:00Z'),
      timeZone: 'Europe/Amsterdam',
    });
    assert.equal(decision.action, 'keep');
    // 12:00 CET + 2 wall-clock days = 12:00 CEST on the 30th = 10:00 UTC.
    assert.deepEqual(decision.action === 'keep' && decision.reasons.find((r) => r.rule === 'retention'), {
      rule: 'retention',
      until: '2026-03-30T10:00:00.000Z',
    });
  });

  it("explains each decision in the guide's words", () => {
    const decisions = decideRetention({
      backups: [
        backup('newest', '2026-01-21T01:00Z', 'UTC'),
        backup('sunday', '2026-01-18T01:00Z', 'UTC'),
        backup('saturday', '2026-01-17T01:00Z', 'UTC'),
        backup('first-of-month', '2026-01-01T01:00Z', 'UTC'),
        backup('old', '2025-11-01T01:00Z', 'UTC'),
      ],
      policy: { retentionDays: 30, keepDaily: 1, keepWeekly: 1, keepMonthly: 1 },
      now: new Date('2026-01-21T12:00Z'),
      timeZone: 'UTC',
    });
    const words = Object.fromEntries(decisions.map((d) => [d.backup.id, d.explanation]));
    assert.deepEqual(words, {
      newest: 'the newest usable database backup, kept whatever its age; taken on 2026-01-21, one of the last 1 day(s) (keepDaily 1)',
      sunday: "the first backup on or after Sunday 2026-01-18, that week's keep (keepWeekly 1)",
      saturday: 'inside retentionDays (30), but not one that keepDaily (1), keepWeekly (1) or keepMonthly (1) keeps',
      'first-of-month': "the first backup on or after 2026-01-01, that month's keep (keepMonthly 1)",
      old: 'older than retentionDays (30): taken before 2025-12-22T12:00:00.000Z',
    });
  });

  it('warns when keepWeekly × 7 or keepMonthly × 31 reaches beyond retentionDays', () => {
    assert.deepEqual(retentionWarnings({ retentionDays: 31, keepDaily: 7, keepWeekly: 4, keepMonthly: 1 }), []);
    assert.deepEqual(retentionWarnings({ retentionDays: 28, keepDaily: 0, keepWeekly: 4, keepMonthly: 0 }), []);
    const warnings = retentionWarnings({ retentionDays: 30, keepDaily: 7, keepWeekly: 5, keepMonthly: 12 });
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['KEEP_WEEKLY_BEYOND_RETENTION', 'KEEP_MONTHLY_BEYOND_RETENTION'],
    );
    assert.match(warnings[1].message, /keepMonthly 12 reaches back 372 days, but retentionDays is 30/);
  });

  it('returns decisions newest first and refuses an unknown zone', () => {
    const decisions = decideRetention({
      backups: [backup('old', '2026-01-01T00:00Z', 'UTC'), backup('new', '2026-02-01T00:00Z', 'UTC')],
      policy: NONE,
      now: new Date('2026-03-01T00:00Z'),
      timeZone: 'UTC',
    });
    assert.deepEqual(
      decisions.map((d) => d.backup.id),
      ['new', 'old'],
    );
    assert.throws(() => decideRetention({ backups: [], policy: NONE, now: new Date(), timeZone: 'Mars/Olympus' }), /Unknown time zone/);
  });

  it('over many random histories never deletes a protected backup or the newest usable one of a type', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const statuses: BackupStatus[] = ['completed', 'completed', 'completed_with_warnings', 'failed', 'running'];
    const now = new Date('2026-06-15T12:00Z');
    for (let run = 0; run < 200; run++) {
      const backups = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) =>
        backup(`b${i}`, new Date(now.getTime() - Math.floor(random() * 400 * 86_400_000)).toISOString(), 'UTC', {
          type: random() < 0.7 ? 'database' : 'source',
          status: statuses[Math.floor(random() * statuses.length)],
          isProtected: random() < 0.1,
          protectedUntil: random() < 0.1 ? new Date(now.getTime() + (random() - 0.5) * 10 * 86_400_000) : null,
        }),
      );
      const policy = {
        retentionDays: 1 + Math.floor(random() * 60),
        keepDaily: Math.floor(random() * 10),
        keepWeekly: Math.floor(random() * 8),
        keepMonthly: Math.floor(random() * 12),
      };
      const decisions = decideRetention({ backups, policy, now, timeZone: random() < 0.5 ? 'UTC' : 'Pacific/Auckland' });
      assert.equal(decisions.length, backups.length);
      const deleted = new Set(decisions.filter((d) => d.action === 'delete').map((d) => d.backup.id));
      for (const b of backups) {
        if (b.isProtected || (b.protectedUntil && b.protectedUntil > now)) assert.ok(!deleted.has(b.id), `protected ${b.id} deleted`);
      }
      for (const type of ['database', 'source']) {
        const usable = backups.filter((b) => b.type === type && (b.status === 'completed' || b.status === 'completed_with_warnings'));
        if (usable.length === 0) continue;
        const newest = usable.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
        assert.ok(!deleted.has(newest.id), `newest ${type} backup deleted`);
        const keptUsable = decisions.filter((d) => d.action === 'keep' && d.backup.type === type && usable.includes(d.backup));
        assert.ok(keptUsable.filter((d) => d.action === 'keep' && d.reasons.some((r) => r.rule === 'newest')).length === 1, 'exactly one newest');
      }
      // retentionDays is the maximum age: only protection, the newest and unfinished writes outlive it.
      const cutoff = DateTime.fromJSDate(now, { zone: 'UTC' })
        .minus({ days: policy.retentionDays + 1 })
        .toJSDate();
      for (const d of decisions) {
        if (d.action !== 'keep' || d.backup.createdAt >= cutoff) continue;
        const rules = d.reasons.map((r) => r.rule);
        assert.ok(
          rules.every((r) => ['protected', 'protected_until', 'newest', 'in_progress'].includes(r)),
          `${d.backup.id} kept past the age limit by ${rules}`,
        );
      }
    }
  });
});

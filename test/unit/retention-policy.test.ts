import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { decideRetention, RetentionCandidate, RetentionDecision, RetentionPolicy } from '../../shared/domain/retention-policy';
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
    name: "keepDaily keeps every backup of the last N calendar days of the schedule's zone, not of UTC",
    zone: 'Europe/Amsterdam',
    now: '2026-01-20T10:00',
    policy: { keepDaily: 3 },
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
      today: 'keep:newest,daily(2026-01-20),retention',
      'yesterday-late': 'keep:daily(2026-01-19),retention',
      yesterday: 'keep:daily(2026-01-19)',
      'two-days-ago': 'keep:daily(2026-01-18)',
      'utc-previous-day': 'keep:daily(2026-01-18)',
      'three-days-ago': 'delete:expired',
    },
  },
  {
    name: 'keepWeekly keeps the newest backup of each ISO week, so a missed Sunday does not leave the week empty',
    zone: 'UTC',
    now: '2026-01-21T12:00',
    policy: { keepWeekly: 4 },
    backups: [
      ['mon-w04', '2026-01-19T01:00'],
      ['sun-w03', '2026-01-18T01:00'],
      ['sat-w03', '2026-01-17T01:00'],
      // Week 2: the Sunday (Jan 11) backup is missing; Thursday's stands in.
      ['thu-w02', '2026-01-08T01:00'],
      ['tue-w02', '2026-01-06T01:00'],
      // Week 1 of 2026 starts on Monday 29 December 2025.
      ['sun-w01', '2026-01-04T01:00'],
      ['mon-w01', '2025-12-29T01:00'],
      ['sun-2025-w52', '2025-12-28T01:00'],
    ],
    expect: {
      'mon-w04': 'keep:newest,weekly(2026-W04)',
      'sun-w03': 'keep:weekly(2026-W03)',
      'sat-w03': 'delete:expired',
      'thu-w02': 'keep:weekly(2026-W02)',
      'tue-w02': 'delete:expired',
      'sun-w01': 'keep:weekly(2026-W01)',
      'mon-w01': 'delete:expired',
      'sun-2025-w52': 'delete:expired',
    },
  },
  {
    name: 'keepMonthly keeps the newest backup of each calendar month in the zone, across month ends',
    zone: 'America/New_York',
    now: '2026-03-15T12:00',
    policy: { keepMonthly: 3 },
    backups: [
      ['mar-1st', '2026-03-01T01:00'],
      // 22:00 on 28 Feb in New York is already 1 March in UTC: it is February's newest.
      ['feb-last-evening', '2026-02-28T22:00'],
      ['feb-27', '2026-02-27T22:00'],
      // 23:30 on 31 Jan in New York is 1 Feb in UTC: January's newest.
      ['jan-last-night', '2026-01-31T23:30'],
      ['jan-15', '2026-01-15T02:00'],
      ['dec-31', '2025-12-31T20:00'],
    ],
    expect: {
      'mar-1st': 'keep:newest,monthly(2026-03)',
      'feb-last-evening': 'keep:monthly(2026-02)',
      'feb-27': 'delete:expired',
      'jan-last-night': 'keep:monthly(2026-01)',
      'jan-15': 'delete:expired',
      'dec-31': 'delete:expired',
    },
  },
  {
    name: 'a short month: the newest of February is kept even when it is not the 28th',
    zone: 'UTC',
    now: '2026-03-31T23:00',
    policy: { keepMonthly: 2, retentionDays: 1 },
    backups: [
      ['mar-31', '2026-03-31T02:00'],
      ['mar-30', '2026-03-30T02:00'],
      ['feb-26', '2026-02-26T02:00'],
      ['feb-02', '2026-02-02T02:00'],
    ],
    expect: {
      'mar-31': 'keep:newest,monthly(2026-03),retention',
      'mar-30': 'delete:expired',
      'feb-26': 'keep:monthly(2026-02)',
      'feb-02': 'delete:expired',
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
    policy: { keepDaily: 2 },
    backups: [
      ['oct-26', '2026-10-26T01:00Z'],
      ['second-0230', '2026-10-25T01:30Z'],
      ['first-0230', '2026-10-25T00:30Z'],
      ['just-after-midnight', '2026-10-24T22:30Z'],
      ['before-midnight', '2026-10-24T21:59Z'],
    ],
    expect: {
      'oct-26': 'keep:newest,daily(2026-10-26),retention',
      'second-0230': 'keep:daily(2026-10-25)',
      'first-0230': 'keep:daily(2026-10-25)',
      'just-after-midnight': 'keep:daily(2026-10-25)',
      'before-midnight': 'delete:expired',
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
    name: 'each backup type keeps its own newest backup and buckets',
    zone: 'UTC',
    // Wednesday; the week (2026-W23) began on Monday 1 June.
    now: '2026-06-03T00:00',
    policy: { retentionDays: 1, keepWeekly: 1 },
    backups: [
      ['db-new', '2026-06-02T12:00'],
      ['db-old', '2026-05-01T00:00'],
      ['src-only', '2026-04-01T00:00', { type: 'source' as BackupType }],
    ],
    expect: {
      'db-new': 'keep:newest,weekly(2026-W23),retention',
      'db-old': 'delete:expired',
      'src-only': 'keep:newest',
    },
  },
  {
    name: 'rules combine: retentionDays, keepDaily, keepWeekly and keepMonthly each keep their own; everything else goes',
    zone: 'UTC',
    // Wednesday 2026-04-15.
    now: '2026-04-15T12:00',
    policy: { retentionDays: 3, keepDaily: 2, keepWeekly: 2, keepMonthly: 3 },
    backups: [
      ['apr-15', '2026-04-15T02:00'],
      ['apr-14', '2026-04-14T02:00'],
      ['apr-13', '2026-04-13T02:00'],
      ['apr-12', '2026-04-12T02:00'],
      ['apr-11', '2026-04-11T02:00'],
      ['apr-01', '2026-04-01T02:00'],
      ['mar-31', '2026-03-31T02:00'],
      ['mar-20', '2026-03-20T02:00'],
      ['feb-28', '2026-02-28T02:00'],
      ['jan-31', '2026-01-31T02:00'],
    ],
    expect: {
      'apr-15': 'keep:newest,daily(2026-04-15),weekly(2026-W16),monthly(2026-04),retention',
      'apr-14': 'keep:daily(2026-04-14),retention',
      'apr-13': 'keep:retention',
      'apr-12': 'keep:weekly(2026-W15)',
      'apr-11': 'delete:expired',
      'apr-01': 'delete:expired',
      'mar-31': 'keep:monthly(2026-03)',
      'mar-20': 'delete:expired',
      'feb-28': 'keep:monthly(2026-02)',
      'jan-31': 'delete:expired',
    },
  },
  {
    name: 'a backup that failed verification does not stand in for its month or as the only newest: a good one is kept instead',
    zone: 'UTC',
    now: '2026-03-10T12:00',
    policy: { keepMonthly: 3 },
    backups: [
      ['mar-newest-corrupt', '2026-03-09T02:00', { verificationStatus: 'failed' }],
      ['mar-good', '2026-03-08T02:00', { verificationStatus: 'verified' }],
      ['jan-31-corrupt', '2026-01-31T02:00', { verificationStatus: 'failed' }],
      ['jan-30-good', '2026-01-30T02:00', { verificationStatus: 'pending' }],
      ['feb-only-corrupt', '2026-02-10T02:00', { verificationStatus: 'failed' }],
    ],
    expect: {
      'mar-newest-corrupt': 'keep:newest',
      'mar-good': 'keep:newest,monthly(2026-03)',
      'feb-only-corrupt': 'keep:monthly(2026-02)',
      'jan-31-corrupt': 'delete:expired',
      'jan-30-good': 'keep:monthly(2026-01)',
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
      }
    }
  });
});

import assert from 'node:assert/strict';
import { backupAgeConditions, median, planAlerts, sizeChangeConditions, storageConditions } from '../../shared/monitoring/alert-rules';
import { usedPercent } from '../../shared/monitoring/storage-usage';

const now = new Date('2026-01-18T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const sized = (...sizes: number[]) => sizes.map((sizeBytes, i) => ({ filename: `b${i}`, sizeBytes }));

describe('alert rule: no successful backup in N hours', () => {
  it('fires for a last success older than the limit, not for a recent one', () => {
    const conditions = backupAgeConditions(
      [
        { type: 'database', lastSuccessAt: hoursAgo(30), monitoredSince: hoursAgo(500) },
        { type: 'source', lastSuccessAt: hoursAgo(2), monitoredSince: hoursAgo(500) },
      ],
      26,
      now,
    );
    assert.equal(conditions.length, 1);
    assert.equal(conditions[0].key, 'backup_age:database');
    assert.equal(conditions[0].message, 'No successful database backup for 30 h (limit 26 h)');
    assert.deepEqual(conditions[0].details, { lastSuccessAt: hoursAgo(30).toISOString(), ageHours: 30, maxAgeHours: 26 });
  });

  it('a type that never succeeded is late N hours after it was first expected; one never expected is not', () => {
    const conditions = backupAgeConditions(
      [
        { type: 'database', lastSuccessAt: null, monitoredSince: hoursAgo(27) },
        { type: 'source', lastSuccessAt: null, monitoredSince: null },
      ],
      26,
      now,
    );
    assert.deepEqual(
      conditions.map((c) => c.key),
      ['backup_age:database'],
    );
    assert.match(conditions[0].message, /No successful database backup yet/);
    assert.deepEqual(backupAgeConditions([{ type: 'database', lastSuccessAt: null, monitoredSince: hoursAgo(25) }], 26, now), []);
  });

  it('is off at 0', () => {
    assert.deepEqual(backupAgeConditions([{ type: 'database', lastSuccessAt: hoursAgo(1000), monitoredSince: null }], 0, now), []);
  });
});

describe('alert rule: size change against the median', () => {
  it('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('fires for a 90% drop (newest first in the history)', () => {
    const [condition, ...rest] = sizeChangeConditions([{ type: 'database', backups: sized(100, 1000, 1010, 990, 1000) }], 50);
    assert.equal(rest.length, 0);
    assert.equal(condition.key, 'size_change:database');
    assert.equal(condition.message, 'The newest database backup is 90% smaller than the median of the 4 before it (limit 50%)');
    assert.deepEqual(condition.details, { filename: 'b0', sizeBytes: 100, medianBytes: 1000, changePct: -90, limitPct: 50 });
  });

  it('fires for growth too, but not for changes within the limit', () => {
    assert.match(sizeChangeConditions([{ type: 'source', backups: sized(3000, 1000, 1000, 1000) }], 50)[0].message, /200% larger/);
    assert.deepEqual(sizeChangeConditions([{ type: 'database', backups: sized(700, 1000, 1000, 1000) }], 50), []);
  });

  it('needs 3 earlier backups to judge, compares with at most 7, and is off at 0', () => {
    assert.deepEqual(sizeChangeConditions([{ type: 'database', backups: sized(1, 1000, 1000) }], 50), []);
    // The seven before the newest have median 100; with the two older 1000s the median would be 1000 (a 90% drop).
    const history = sized(100, 100, 100, 100, 100, 1000, 1000, 1000, 1000, 1000);
    assert.deepEqual(sizeChangeConditions([{ type: 'database', backups: history }], 50), []);
    assert.equal(sizeChangeConditions([{ type: 'database', backups: sized(100, 100, 100, 100, 1000, 1000, 1000, 1000) }], 50).length, 1);
    assert.deepEqual(sizeChangeConditions([{ type: 'database', backups: sized(1, 1000, 1000, 1000) }], 0), []);
  });

  it('one broken backup does not move the median: the next normal one ends the alert', () => {
    assert.deepEqual(sizeChangeConditions([{ type: 'database', backups: sized(1005, 100, 1000, 1010, 990, 1000) }], 50), []);
  });
});

describe('alert rule: storage nearly full', () => {
  it('fires above the limit, not at or below it, and never for targets that cannot tell', () => {
    const conditions = storageConditions(
      [
        { target: 'local', usedPercent: 95 },
        { target: 'gdrive', usedPercent: 90 },
        { target: 's3', usedPercent: null },
      ],
      90,
    );
    assert.deepEqual(
      conditions.map((c) => [c.key, c.message]),
      [['storage_usage:local', 'Storage target local is 95% full (limit 90%)']],
    );
    assert.deepEqual(storageConditions([{ target: 'local', usedPercent: 99 }], 0), []);
  });

  it('an open alert ends only once usage is 2 points below the limit, so hovering at the limit does not flap', () => {
    const open = new Set(['storage_usage:local']);
    assert.equal(storageConditions([{ target: 'local', usedPercent: 89 }], 90, open).length, 1, 'still open at 89%');
    assert.equal(storageConditions([{ target: 'local', usedPercent: 87.9 }], 90, open).length, 0, 'ends below 88%');
    assert.equal(storageConditions([{ target: 'local', usedPercent: 89 }], 90).length, 0, 'a new alert still needs more than 90%');
  });

  it('fullness comes from capacity and free space', () => {
    assert.equal(usedPercent({ totalBytes: 1000, freeBytes: 50 }), 95);
    assert.equal(usedPercent({ totalBytes: undefined, freeBytes: undefined }), null);
  });
});

describe('alert transitions', () => {
  const condition = (key: string) => ({ key, kind: 'backup_age' as const, subject: key, message: key, details: {} });

  it('opens new conditions, keeps the open ones that still hold, resolves the ones that ended', () => {
    const open = [
      { id: '1', key: 'a' },
      { id: '2', key: 'b' },
    ];
    const plan = planAlerts([condition('b'), condition('c')], open);
    assert.deepEqual(
      plan.open.map((c) => c.key),
      ['c'],
    );
    assert.deepEqual(
      plan.keep.map((k) => k.alert.id),
      ['2'],
    );
    assert.deepEqual(
      plan.resolve.map((a) => a.id),
      ['1'],
    );
  });

  it('evaluating the same conditions again opens nothing (one announcement per condition)', () => {
    const plan = planAlerts([condition('a')], [{ id: '1', key: 'a' }]);
    assert.deepEqual(plan.open, []);
    assert.deepEqual(plan.resolve, []);
  });

  it('does not resolve what could not be evaluated this time', () => {
    const plan = planAlerts([], [{ id: '1', key: 'storage_usage:s3' }], new Set(['storage_usage:s3']));
    assert.deepEqual(plan.resolve, []);
  });
});

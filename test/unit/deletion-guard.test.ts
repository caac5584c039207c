import assert from 'node:assert/strict';
import { assertDeletable, BulkDeletionCandidate, planBulkDeletion } from '../../shared/domain/deletion-guard';
import { AppError, ErrorCode } from '../../shared/errors';

function code(fn: () => void): ErrorCode | null {
  try {
    fn();
    return null;
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err.code;
  }
}

describe('deletion guard', () => {
  const completed = { status: 'completed' as const, isProtected: false, type: 'database' };

  it('allows deleting a completed backup when another usable one exists', () => {
    assert.equal(
      code(() => assertDeletable(completed, 2)),
      null,
    );
  });

  it('refuses the last usable backup of its type', () => {
    assert.equal(
      code(() => assertDeletable(completed, 1)),
      ErrorCode.LastBackup,
    );
    assert.equal(
      code(() => assertDeletable({ ...completed, status: 'completed_with_warnings' }, 1)),
      ErrorCode.LastBackup,
    );
  });

  it('refuses a protected backup whatever else exists', () => {
    assert.equal(
      code(() => assertDeletable({ ...completed, isProtected: true }, 10)),
      ErrorCode.BackupProtected,
    );
  });

  it('refuses a backup still being written', () => {
    assert.equal(
      code(() => assertDeletable({ ...completed, status: 'running' }, 10)),
      ErrorCode.BackupNotCompleted,
    );
  });

  it('allows deleting a failed backup even when it is the only row', () => {
    assert.equal(
      code(() => assertDeletable({ ...completed, status: 'failed' }, 0)),
      null,
    );
  });

  describe('bulk', () => {
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    const b = (id: string, day: number, extra: Partial<BulkDeletionCandidate> = {}): BulkDeletionCandidate => ({
      id,
      createdAt: at(day),
      status: 'completed',
      isProtected: false,
      type: 'database',
      ...extra,
    });
    const outcome = (plan: ReturnType<typeof planBulkDeletion>) => Object.fromEntries(plan.map((d) => [d.id, d.refusal ?? 'delete']));

    it('applies the last-usable rule to the set: deleting every usable backup of a type keeps its newest', () => {
      const found = [b('d1', 1), b('d2', 2), b('d3', 3), b('s1', 1, { type: 'source' })];
      assert.deepEqual(outcome(planBulkDeletion(['d1', 'd2', 'd3', 's1'], found, { database: 3, source: 2 })), {
        d1: 'delete',
        d2: 'delete',
        d3: ErrorCode.LastBackup,
        s1: 'delete',
      });
      assert.deepEqual(outcome(planBulkDeletion(['d1', 'd2'], found, { database: 3 })), { d1: 'delete', d2: 'delete' }, 'd3 remains');
    });

    it('counts neither refused nor failed backups as removed, and a protected one does not make room', () => {
      const found = [b('p', 5, { isProtected: true }), b('ok', 1), b('newer', 2), b('failed', 9, { status: 'failed' }), b('running', 8, { status: 'running' })];
      // Usable in the catalog: p, ok, newer. The set may delete ok and newer: p stays.
      assert.deepEqual(outcome(planBulkDeletion(['p', 'ok', 'newer', 'failed', 'running'], found, { database: 3 })), {
        p: ErrorCode.BackupProtected,
        ok: 'delete',
        newer: 'delete',
        failed: 'delete',
        running: ErrorCode.BackupNotCompleted,
      });
    });

    it('answers unknown ids with BACKUP_NOT_FOUND and each id once, in the order asked', () => {
      const plan = planBulkDeletion(['x', 'a', 'x', 'c'], [b('a', 1), b('c', 2)], { database: 5 });
      assert.deepEqual(
        plan.map((d) => [d.id, d.refusal]),
        [
          ['x', ErrorCode.BackupNotFound],
          ['a', null],
          ['c', null],
        ],
      );
    });
  });
});

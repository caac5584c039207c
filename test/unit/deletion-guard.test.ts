import assert from 'node:assert/strict';
import { assertDeletable } from '../../shared/domain/deletion-guard';
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
});

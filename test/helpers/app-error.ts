import assert from 'node:assert/strict';
import { AppError } from '../../shared/errors';

/** Awaits something that must fail with an AppError, and returns that error for closer assertions. */
export async function appErrorFrom(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('should have failed');
}

import assert from 'node:assert/strict';
import { HTTP_STATUS } from '../../services/api/http-status';
import { ErrorCode } from '../../shared/errors';

describe('HTTP status of error codes', () => {
  it('gives every code a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = HTTP_STATUS[code];
      assert.ok(Number.isInteger(status) && status >= 400 && status < 600, `${code}: ${status}`);
    }
    assert.deepEqual(Object.keys(HTTP_STATUS).sort(), Object.values(ErrorCode).sort(), 'no status for a code that does not exist');
  });

  it('keeps the statuses the README and clients rely on', () => {
    assert.equal(HTTP_STATUS[ErrorCode.ValidationFailed], 400);
    assert.equal(HTTP_STATUS[ErrorCode.Unauthorized], 401);
    assert.equal(HTTP_STATUS[ErrorCode.BackupFileNotFound], 404);
    assert.equal(HTTP_STATUS[ErrorCode.LastBackup], 409);
    assert.equal(HTTP_STATUS[ErrorCode.BackupFileExists], 409, 'an existing file is a conflict, not an outage');
    assert.equal(HTTP_STATUS[ErrorCode.WrongEncryptionKey], 409);
    assert.equal(HTTP_STATUS[ErrorCode.ChecksumMismatch], 422);
    assert.equal(HTTP_STATUS[ErrorCode.BackupDeleteIncomplete], 502);
    assert.equal(HTTP_STATUS[ErrorCode.StorageUnavailable], 503);
  });
});

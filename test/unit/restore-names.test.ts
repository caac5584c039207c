import assert from 'node:assert/strict';
import {
  parseTempDatabaseComment,
  previousDatabaseName,
  restoreDatabaseName,
  tempDatabaseComment,
  verifyDatabaseName,
} from '../../shared/jobs/restore/restore-names';

const at = new Date('2026-03-29T01:30:05.123Z');

describe('restore database names', () => {
  it('suffixes the live name with the purpose and the UTC time', () => {
    assert.equal(restoreDatabaseName('kanbu', at), 'kanbu_restore_20260329_013005');
    assert.equal(previousDatabaseName('kanbu', at), 'kanbu_pre_restore_20260329_013005');
    assert.equal(verifyDatabaseName('kanbu', at), 'kanbu_verify_20260329_013005');
  });

  it("keeps the whole suffix within PostgreSQL's 63-byte identifiers", () => {
    const long = 'k'.repeat(80);
    const name = previousDatabaseName(long, at);
    assert.equal(Buffer.byteLength(name), 63);
    assert.ok(name.endsWith('_pre_restore_20260329_013005'));
    const multibyte = 'ü'.repeat(40);
    assert.ok(Buffer.byteLength(restoreDatabaseName(multibyte, at)) <= 63);
  });

  it('marks temporary databases in a way that parses back, and ignores anything else', () => {
    const mark = { purpose: 'restore' as const, target: 'odd; name="x"', executionId: 'e-1', createdAt: at.toISOString() };
    assert.deepEqual(parseTempDatabaseComment(tempDatabaseComment(mark)), mark);
    assert.equal(parseTempDatabaseComment('the production database'), null);
    assert.equal(parseTempDatabaseComment(null), null);
    assert.equal(parseTempDatabaseComment('kanbu-backup temporary database {broken'), null);
  });
});

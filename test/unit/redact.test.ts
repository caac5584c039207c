import assert from 'node:assert/strict';
import { redact, registerSecret } from '../../shared/logging';

describe('redact', () => {
  it('masks passwords inside connection URLs', () => {
    assert.equal(redact('pg_dump postgresql://kanbu:s3cr3t@db:5432/kanbu failed'), 'pg_dump postgresql://kanbu:***@db:5432/kanbu failed');
    assert.equal(redact('redis://:pw@127.0.0.1:6379'), 'redis://:***@127.0.0.1:6379');
  });

  it('masks PGPASSWORD= and password= assignments', () => {
    assert.equal(redact('env PGPASSWORD=abc123 pg_dump'), 'env PGPASSWORD=*** pg_dump');
  });

  it('masks registered secrets wherever they appear', () => {
    registerSecret('tok-zzz-999');
    assert.equal(redact('bearer tok-zzz-999 and again tok-zzz-999'), 'bearer *** and again ***');
  });

  it('leaves text without secrets alone', () => {
    assert.equal(redact('backup kanbu_backup_2026-01-18T10-30-00.sql.gz completed'), 'backup kanbu_backup_2026-01-18T10-30-00.sql.gz completed');
  });
});

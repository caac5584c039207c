import assert from 'node:assert/strict';
import { backupFileName, fileTimestamp, parseBackupFileName } from '../../shared/engine/backup-naming';

const at = new Date('2026-01-18T10:30:00.456Z');

describe('backup file names', () => {
  it('replaces ":" and "." of the time with "-"', () => {
    assert.equal(fileTimestamp(at), '2026-01-18T10-30-00');
  });

  it('names database and source backups as the user guide documents', () => {
    assert.equal(backupFileName({ type: 'database', at, compression: 'gzip', encrypted: false }), 'kanbu_backup_2026-01-18T10-30-00.sql.gz');
    assert.equal(backupFileName({ type: 'database', at, compression: 'gzip', encrypted: true }), 'kanbu_backup_2026-01-18T10-30-00.sql.gz.enc');
    assert.equal(backupFileName({ type: 'source', at, compression: 'gzip', encrypted: true }), 'kanbu_source_2026-01-18T10-30-00.tar.gz.enc');
    assert.equal(backupFileName({ type: 'source', at, compression: 'zstd', encrypted: false }), 'kanbu_source_2026-01-18T10-30-00.tar.zst');
  });

  it('adds a sequence number for a second backup in the same second', () => {
    assert.equal(backupFileName({ type: 'database', at, compression: 'gzip', encrypted: false, sequence: 2 }), 'kanbu_backup_2026-01-18T10-30-00-2.sql.gz');
  });

  it('parses its own names back, and names in the full ISO form', () => {
    const parsed = parseBackupFileName('kanbu_backup_2026-01-18T10-30-00-2.sql.gz.enc');
    assert.deepEqual(parsed, { type: 'database', at: new Date('2026-01-18T10:30:00Z'), compression: 'gzip', encrypted: true, sequence: 2 });
    assert.equal(parseBackupFileName('kanbu_backup_2026-01-18T10-30-00-123Z.sql.gz')?.type, 'database');
  });

  it('rejects names that are not backups or whose parts disagree', () => {
    assert.equal(parseBackupFileName('kanbu_backup_2026-01-18T10-30-00.tar.gz'), null);
    assert.equal(parseBackupFileName('../etc/passwd'), null);
    assert.equal(parseBackupFileName('kanbu_backup_yesterday.sql.gz'), null);
  });
});

import type { BackupType, Compression } from '../domain/types';
import { fileExtension } from './transforms/compression';

const PREFIX: Record<BackupType, string> = { database: 'kanbu_backup', source: 'kanbu_source' };
const RAW_EXTENSION: Record<BackupType, string> = { database: 'sql', source: 'tar' };

export interface BackupNameParts {
  type: BackupType;
  at: Date;
  compression: Compression;
  encrypted: boolean;
  /** Distinguishes two backups of one type started in the same second. */
  sequence?: number;
}

/** `2026-01-18T10:30:00.000Z` → `2026-01-18T10-30-00` (the user guide's form: `:` and `.` become `-`). */
export function fileTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[:.]/g, '-');
}

/** `kanbu_backup_<ts>.sql.gz[.enc]` or `kanbu_source_<ts>.tar.gz[.enc]`. */
export function backupFileName(parts: BackupNameParts): string {
  const sequence = parts.sequence ? `-${parts.sequence}` : '';
  const enc = parts.encrypted ? '.enc' : '';
  return `${PREFIX[parts.type]}_${fileTimestamp(parts.at)}${sequence}.${RAW_EXTENSION[parts.type]}.${fileExtension(parts.compression)}${enc}`;
}

const NAME_PATTERN = /^kanbu_(backup|source)_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:-\d{3}Z)?(?:-(\d+))?\.(sql|tar)\.(gz|zst)(\.enc)?$/;

/** Reads the facts a file name carries (for files not in the catalog); null if it is not one of ours. */
export function parseBackupFileName(name: string): BackupNameParts | null {
  const m = NAME_PATTERN.exec(name);
  if (!m) return null;
  const type: BackupType = m[1] === 'backup' ? 'database' : 'source';
  if (m[7] !== RAW_EXTENSION[type]) return null;
  return {
    type,
    at: new Date(`${m[2]}T${m[3]}:${m[4]}:${m[5]}Z`),
    compression: m[8] === 'gz' ? 'gzip' : 'zstd',
    encrypted: m[9] === '.enc',
    sequence: m[6] ? Number(m[6]) : undefined,
  };
}

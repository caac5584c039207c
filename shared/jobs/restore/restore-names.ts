import { fileTimestamp } from '../../engine/backup-naming';

const MAX_IDENTIFIER_BYTES = 63;

/** A database name an operator may give as restore target: no quoting needed, never truncated. */
export const PLAIN_DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const PLAIN_DATABASE_NAME_RULE = 'a plain database name: letters, digits and "_", at most 63 characters';

/** PostgreSQL truncates identifiers at 63 bytes; cut the base name so the suffix always survives. */
function withSuffix(base: string, suffix: string): string {
  let cut = base;
  while (Buffer.byteLength(cut + suffix) > MAX_IDENTIFIER_BYTES) cut = cut.slice(0, -1);
  return cut + suffix;
}

function stamp(at: Date): string {
  return fileTimestamp(at).replace(/-/g, '').replace('T', '_').toLowerCase();
}

/** The database a restore loads into before it is swapped in: `<db>_restore_<ts>`. */
export function restoreDatabaseName(database: string, at: Date): string {
  return withSuffix(database, `_restore_${stamp(at)}`);
}

/** What the live database is renamed to by a swap: `<db>_pre_restore_<ts>`. */
export function previousDatabaseName(database: string, at: Date): string {
  return withSuffix(database, `_pre_restore_${stamp(at)}`);
}

/** A throw-away database for deep verification: `<db>_verify_<ts>[_<tag>]` (the tag keeps two tests in one second apart). */
export function verifyDatabaseName(database: string, at: Date, tag?: string): string {
  return withSuffix(
    database,
    `_verify_${stamp(at)}${
      tag
        ? `_${tag
            .replace(/[^a-z0-9]/gi, '')
            .slice(0, 8)
            .toLowerCase()}`
        : ''
    }`,
  );
}

/**
 * Temporary databases carry this comment, so leftovers of a killed run can be
 * found and dropped without guessing from names alone.
 */
export const TEMP_DATABASE_MARK = 'kanbu-backup temporary database';

export interface TempDatabaseMark {
  purpose: 'restore' | 'verify';
  /** The database the temporary one stands in for. */
  target: string;
  executionId: string;
  createdAt: string;
}

export function tempDatabaseComment(mark: TempDatabaseMark): string {
  return `${TEMP_DATABASE_MARK} ${JSON.stringify(mark)}`;
}

export function parseTempDatabaseComment(comment: string | null | undefined): TempDatabaseMark | null {
  if (!comment?.startsWith(`${TEMP_DATABASE_MARK} `)) return null;
  try {
    const mark = JSON.parse(comment.slice(TEMP_DATABASE_MARK.length + 1)) as Partial<TempDatabaseMark>;
    if ((mark.purpose !== 'restore' && mark.purpose !== 'verify') || typeof mark.target !== 'string' || typeof mark.executionId !== 'string') return null;
    return { purpose: mark.purpose, target: mark.target, executionId: mark.executionId, createdAt: String(mark.createdAt) };
  } catch {
    return null;
  }
}

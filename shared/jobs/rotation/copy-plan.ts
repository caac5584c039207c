import type { CopyStatus } from '../../domain/types';
import type { StorageBackend } from '../../engine/storage/storage-backend';
import type { CopyRef } from '../backup-copies';

/**
 * What became of one copy in a rotation: `planned` (dry run); `rotated`;
 * `skipped` (nothing readable is stored there); `failed` (its own error);
 * `unchanged` (another copy failed, so this one was left, or put back, as it
 * was); `new_key` (replaced, and it could not be put back: it is under the new
 * key while the catalog still names the old one).
 */
export type CopyRotationStatus = 'planned' | 'rotated' | 'skipped' | 'failed' | 'unchanged' | 'new_key';

export interface CopyRotation {
  target: string;
  status: CopyRotationStatus;
  detail?: string;
}

/** A copy to re-encrypt, with the backend it lives on. */
export interface CopyOnTarget {
  copy: CopyRef;
  storage: StorageBackend;
}

export interface CopyPlan {
  rotate: CopyOnTarget[];
  /** Copies left alone (`skipped`), and copies that cannot be rotated (`failed`): then none is. */
  others: CopyRotation[];
}

/** Copies whose object is there to be read (the backup reader uses both): each must move to the new key. */
const ROTATE: readonly CopyStatus[] = ['completed', 'delete_failed'];
/** Copies a read found gone or failing their checksum: nothing usable to re-encrypt, so they do not hold the backup up. */
const SKIP: readonly CopyStatus[] = ['missing', 'corrupt'];

/**
 * Which copies of a backup a rotation re-encrypts, in the catalog's order
 * (primary first). Copies that were never written or are deleted do not count.
 * A copy on a target that is no longer configured cannot be rotated, and still
 * holds the backup under the old key: it fails the plan.
 */
export function planCopyRotation(copies: readonly CopyRef[], target: (name: string) => StorageBackend | undefined): CopyPlan {
  const plan: CopyPlan = { rotate: [], others: [] };
  for (const copy of copies) {
    if (SKIP.includes(copy.status)) {
      plan.others.push({ target: copy.target, status: 'skipped', detail: `recorded as ${copy.status}` });
    } else if (ROTATE.includes(copy.status)) {
      const storage = target(copy.target);
      if (storage) plan.rotate.push({ copy, storage });
      else
        plan.others.push({
          target: copy.target,
          status: 'failed',
          detail: `storage target ${copy.target} is not configured (BACKUP_STORAGE / BACKUP_REPLICAS)`,
        });
    }
  }
  return plan;
}

import { parseTargetSpec } from '../config/storage-target-spec';
import { errorMessage } from '../errors';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { withTimeout } from '../util/with-timeout';

/** A report must not hang on one dead target. */
const PROBE_TIMEOUT_MS = 15_000;

export interface TargetReport {
  name: string;
  kind: string;
  role: 'primary' | 'replica';
  location: string;
  reachable: boolean;
  /** Why the target is not reachable. */
  error: string | null;
  usedBytes: number | null;
  /** Null where the target cannot know (object storage). */
  freeBytes: number | null;
  totalBytes: number | null;
  /** Backup files found on the target. */
  objectCount: number | null;
  /** Backups the catalog has a completed copy of on this target. */
  backupCount: number;
}

export async function reportStorage(targets: StorageTargets, copies: { countCompletedByTarget(): Promise<Map<string, number>> }): Promise<TargetReport[]> {
  const counts = await copies.countCompletedByTarget();
  return Promise.all(
    targets.all.map(async (target): Promise<TargetReport> => {
      const base = {
        name: target.name,
        kind: parseTargetSpec(target.name)?.kind ?? target.name,
        role: target === targets.primary ? ('primary' as const) : ('replica' as const),
        location: target.location,
        backupCount: counts.get(target.name) ?? 0,
      };
      try {
        const usage = await withTimeout(
          target.check().then(() => target.usage()),
          PROBE_TIMEOUT_MS,
          `no answer within ${PROBE_TIMEOUT_MS / 1000} s`,
        );
        return {
          ...base,
          reachable: true,
          error: null,
          usedBytes: usage.usedBytes,
          freeBytes: usage.freeBytes ?? null,
          totalBytes: usage.totalBytes ?? null,
          objectCount: usage.objectCount,
        };
      } catch (err) {
        return { ...base, reachable: false, error: errorMessage(err), usedBytes: null, freeBytes: null, totalBytes: null, objectCount: null };
      }
    }),
  );
}

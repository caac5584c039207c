import type { StorageBackend, StorageUsage } from '../engine/storage/storage-backend';
import { errorMessage } from '../errors';
import { withTimeout } from '../util/with-timeout';

export interface TargetUsage {
  target: string;
  location: string;
  usedBytes: number | null;
  freeBytes: number | null;
  totalBytes: number | null;
  objectCount: number | null;
  /** How full the file system or volume is; null where the backend cannot know. */
  usedPercent: number | null;
  /** Set when the target could not be asked. */
  error: string | null;
}

const USAGE_TIMEOUT_MS = 10_000;

export function usedPercent(usage: Pick<StorageUsage, 'freeBytes' | 'totalBytes'>): number | null {
  if (!usage.totalBytes || usage.freeBytes === undefined) return null;
  return ((usage.totalBytes - usage.freeBytes) / usage.totalBytes) * 100;
}

/**
 * Usage of every storage target (primary and replicas), each asked on its own
 * with a time limit, so one unreachable target does not hide the others.
 */
export async function storageUsage(backends: readonly StorageBackend[]): Promise<TargetUsage[]> {
  return Promise.all(
    backends.map(async (backend): Promise<TargetUsage> => {
      try {
        const usage = await withTimeout(backend.usage(), USAGE_TIMEOUT_MS, `no answer within ${USAGE_TIMEOUT_MS / 1000} s`);
        return {
          target: backend.name,
          location: backend.location,
          usedBytes: usage.usedBytes,
          freeBytes: usage.freeBytes ?? null,
          totalBytes: usage.totalBytes ?? null,
          objectCount: usage.objectCount,
          usedPercent: usedPercent(usage),
          error: null,
        };
      } catch (err) {
        return {
          target: backend.name,
          location: backend.location,
          usedBytes: null,
          freeBytes: null,
          totalBytes: null,
          objectCount: null,
          usedPercent: null,
          error: errorMessage(err),
        };
      }
    }),
  );
}

import type { Compression } from './types';

/** The levels each codec accepts, and the one used when none is configured (zstd's own default is 3). */
export const COMPRESSION_LEVELS: Record<Compression, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 6 },
  zstd: { min: 1, max: 19, default: 3 },
};

/** Why `level` is not a level of `compression`, or null when it is one. */
export function compressionLevelProblem(compression: Compression, level: number): string | null {
  const { min, max } = COMPRESSION_LEVELS[compression];
  return Number.isInteger(level) && level >= min && level <= max ? null : `must be an integer from ${min} to ${max} for ${compression}`;
}

/** The configured level, or the codec's default when none is set. */
export function compressionLevel(compression: Compression, configured?: number): number {
  return configured ?? COMPRESSION_LEVELS[compression].default;
}

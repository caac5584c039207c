import type { Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Compression } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import { ChildTransform } from '../process/child-transform';
import { HeaderSniffer } from './header-sniffer';
import { gzipBlocksInFlight, ParallelGzip } from './parallel-gzip.transform';

const GUNZIP_CHUNK = 128 * 1024;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
/** Bytes needed to tell the compressions apart. */
export const COMPRESSION_HEADER_LENGTH = 4;

export interface CompressorOptions {
  /** Cores to use: gzip keeps twice as many blocks in flight, zstd runs this many threads; 0 = every core. */
  threads?: number;
}

export function fileExtension(compression: Compression): string {
  return compression === 'gzip' ? 'gz' : 'zst';
}

/** gzip: parallel multi-member gzip, readable by plain `gunzip`. zstd: the `zstd` binary, multi-threaded. */
export function createCompressor(compression: Compression, level: number, options: CompressorOptions = {}): Duplex {
  if (compression === 'gzip') return new ParallelGzip({ level, concurrency: gzipBlocksInFlight(options.threads) });
  return new ChildTransform('zstd', [`-${level}`, `-T${options.threads ?? 0}`, '-q', '-c'], { label: 'zstd' });
}

export function createDecompressor(compression: Compression): Duplex {
  // zlib's Gunzip reads multi-member streams and errors on a truncated one.
  if (compression === 'gzip') return createGunzip({ chunkSize: GUNZIP_CHUNK });
  return new ChildTransform('zstd', ['-d', '-q', '-c'], { label: 'zstd', code: ErrorCode.CorruptBackup });
}

/** The compression whose magic number starts `head`, or null. */
export function detectCompression(head: Buffer): Compression | null {
  if (head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, ZSTD_MAGIC.length).equals(ZSTD_MAGIC)) return 'zstd';
  return null;
}

/**
 * Decompresses gzip or zstd, whichever the data starts with, so a restore never
 * depends on a file name or a catalog column being right.
 */
export function createDecompressorByHeader(onDetected?: (compression: Compression) => void): Duplex {
  return new HeaderSniffer(COMPRESSION_HEADER_LENGTH, (head) => {
    const compression = detectCompression(head);
    if (!compression) {
      throw new AppError(
        ErrorCode.CorruptBackup,
        head.length === 0 ? 'The backup is empty: no compressed data' : 'Unknown compression: the data is neither gzip nor zstd',
      );
    }
    onDetected?.(compression);
    return createDecompressor(compression);
  });
}

import { createGunzip, createGzip } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Compression } from '../../domain/types';

const GZIP_CHUNK = 128 * 1024;

export function fileExtension(compression: Compression): string {
  return compression === 'gzip' ? 'gz' : 'zst';
}

export function createCompressor(compression: Compression, level: number): Transform {
  if (compression !== 'gzip') throw new Error(`Compression ${compression} is not available`);
  return createGzip({ level, chunkSize: GZIP_CHUNK, memLevel: 9 });
}

export function createDecompressor(compression: Compression): Transform {
  if (compression !== 'gzip') throw new Error(`Compression ${compression} is not available`);
  // zlib's Gunzip reads multi-member streams and errors on a truncated one.
  return createGunzip({ chunkSize: GZIP_CHUNK });
}

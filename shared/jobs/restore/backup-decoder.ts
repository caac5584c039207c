import { pipeline, Readable, Transform } from 'node:stream';
import type { Backup } from '../../catalog/entities';
import { createDecryptStream } from '../../engine/crypto/decrypt-stream';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { ByteCounter } from '../../engine/transforms/byte-counter.transform';
import { ChecksumVerifyTransform } from '../../engine/transforms/checksum-verify.transform';
import { createDecompressor } from '../../engine/transforms/compression';

export interface DecodeOptions {
  keys: KeyRing;
  /** Also decompress (restore) or stop at the compressed bytes (verification). */
  decompress: boolean;
  /** Stored bytes read so far, for progress. */
  onStoredBytes?: (bytes: number) => void;
}

/**
 * stored bytes → decrypt → SHA-256 check against the catalog → decompress, as
 * one readable stream. Any failure (wrong key, corrupted chunk, checksum
 * mismatch) errors the stream before its end.
 */
export function decodeBackup(stored: Readable, backup: Pick<Backup, 'encrypted' | 'checksum' | 'compression'>, options: DecodeOptions): Readable {
  const stages: (Readable | Transform)[] = [stored, new ByteCounter((n) => options.onStoredBytes?.(n), 500)];
  if (backup.encrypted) stages.push(createDecryptStream(options.keys));
  if (backup.checksum) stages.push(new ChecksumVerifyTransform(backup.checksum));
  if (options.decompress) stages.push(createDecompressor(backup.compression));
  return pipeline(stages as unknown as [Readable, ...Transform[]], () => undefined) as unknown as Readable;
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Compression } from '../domain/types';
import { AppError, ErrorCode } from '../errors';
import type { ProgressReporter } from '../domain/job-progress';
import { DecryptStream } from './crypto/decrypt-stream';
import { detectEncryption, ENCRYPTION_HEADER_LENGTH, EncryptionFormat } from './crypto/encryption-format';
import type { KeyRing } from './crypto/key-ring';
import { LegacyAuthenticator } from './crypto/legacy-authenticator';
import { LegacyDecryptStream } from './crypto/legacy-decrypt-stream';
import { ByteCounter } from './transforms/byte-counter.transform';
import { createDecompressorByHeader } from './transforms/compression';
import { peekHead } from './transforms/peek-head';
import { Sha256Transform } from './transforms/sha256.transform';
import type { StorageBackend } from './storage/storage-backend';

/** A stored backup that can be read from its start, more than once (the legacy format needs two passes). */
export interface StoredInput {
  open(): Promise<Readable>;
  /** Stored size, when known, for progress. */
  sizeBytes?: number;
}

export interface DecodeOptions {
  keys: KeyRing;
  /** SHA-256 of the compressed bytes from the catalog; a difference fails with CHECKSUM_MISMATCH. */
  expectedSha256?: string | null;
  /** Whether the backup is encrypted, from the catalog or the `.enc` suffix; unknown: decided from the bytes. */
  encrypted?: boolean;
  /** `compressed`: stop after decryption (what `decrypt` writes); `plain`: decompress too (SQL or tar). */
  output: 'compressed' | 'plain';
  onProgress?: ProgressReporter;
  /** Stops the decode (the destination is destroyed, so psql never commits); its reason is the error. */
  signal?: AbortSignal;
}

export interface DecodeResult {
  encryption: EncryptionFormat;
  /** Key that decrypted the backup; null when it was not encrypted. */
  keyId: string | null;
  /** Detected from the data; null when the output stayed compressed. */
  compression: Compression | null;
  /** SHA-256 of the compressed bytes. */
  sha256: string;
  compressedBytes: number;
  storedBytes: number;
  /** Bytes after decompression; null when the output stayed compressed. */
  plainBytes: number | null;
}

/**
 * The one read path of the system (verify, restore, decrypt, key rotation):
 * stored bytes → detect encryption (v2 / legacy / none) → decrypt → SHA-256 of
 * the compressed bytes (checked against the catalog) → detect compression
 * (gzip / zstd) → decompress → `destination`. Streaming with constant memory.
 *
 * Nothing unauthenticated reaches `destination`: v2 releases a chunk only after
 * its tag verified; a legacy file is authenticated in a first pass over the whole
 * file and only then decrypted in a second pass that re-checks every block
 * against the first. A checksum mismatch fails the stream at its end instead of
 * ending it, so a consumer such as psql never sees a clean end of bad data.
 */
export async function decodeBackup(input: StoredInput, destination: Writable, options: DecodeOptions): Promise<DecodeResult> {
  try {
    return await decode(input, destination, options);
  } catch (err) {
    // Failures before the pipeline started (a legacy file that does not authenticate) must
    // still stop the destination, e.g. kill a waiting psql.
    if (!destination.destroyed) destination.destroy();
    throw options.signal?.aborted ? options.signal.reason : err;
  }
}

/** Decodes to the very end and throws the bytes away: the integrity check of verify and key rotation. */
export function decodeToEnd(input: StoredInput, options: Omit<DecodeOptions, 'output'>): Promise<DecodeResult> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return decodeBackup(input, discard, { ...options, output: 'plain' });
}

/** An object in a storage backend as decode input. */
export function storedObjectInput(storage: StorageBackend, name: string, sizeBytes?: number): StoredInput {
  return { open: () => storage.openRead(name), sizeBytes };
}

/** A file on disk as decode input (the CLI's `verify <file>` and `decrypt <file>`). */
export async function fileInput(path: string): Promise<StoredInput> {
  const s = await stat(path).catch(() => null);
  if (!s?.isFile()) throw new AppError(ErrorCode.BackupFileNotFound, `File not found: ${path}`);
  return { open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 }), sizeBytes: s.size };
}

async function decode(input: StoredInput, destination: Writable, options: DecodeOptions): Promise<DecodeResult> {
  const progress = options.onProgress ?? (() => undefined);
  const total = input.sizeBytes;
  const report = (stage: string, share: number, offset: number) => (bytes: number) =>
    progress({ stage, percent: total ? Math.min(99, Math.floor(offset + (bytes / total) * share)) : 0, bytes, totalBytes: total });

  const peeked = await peekHead(await input.open(), ENCRYPTION_HEADER_LENGTH);
  const encryption = detectEncryption(peeked.head, options.encrypted);
  let stored = peeked.stream;
  let decryptor: Duplex | null = null;
  let legacyKeyId: string | null = null;
  let share = 100;
  if (encryption === 'v2') decryptor = new DecryptStream(options.keys);
  if (encryption === 'legacy') {
    stored.destroy();
    const authenticator = new LegacyAuthenticator(options.keys);
    await pipeline(await input.open(), new ByteCounter(report('authenticating', 50, 0)), authenticator, { signal: options.signal });
    legacyKeyId = authenticator.proof.keyId;
    decryptor = new LegacyDecryptStream(authenticator.proof);
    stored = await input.open();
    share = 50;
  }

  const storedCounter = new ByteCounter(report('decoding', share, 100 - share));
  const hasher = new Sha256Transform(options.expectedSha256);
  let compression: Compression | null = null;
  const plainCounter = new ByteCounter(() => undefined);
  const decompress = options.output === 'plain' ? [createDecompressorByHeader((c) => (compression = c)), plainCounter] : [];
  await pipeline([stored, storedCounter, ...(decryptor ? [decryptor] : []), hasher, ...decompress, destination], { signal: options.signal });

  const keyId = decryptor instanceof DecryptStream ? (decryptor.keyId ?? null) : legacyKeyId;
  progress({ stage: 'decoded', percent: 100, bytes: storedCounter.bytes, totalBytes: total });
  return {
    encryption,
    keyId,
    compression,
    sha256: hasher.hex(),
    compressedBytes: hasher.bytes,
    storedBytes: storedCounter.bytes,
    plainBytes: options.output === 'plain' ? plainCounter.bytes : null,
  };
}

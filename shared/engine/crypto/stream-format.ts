import { hkdf, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError, ErrorCode } from '../../errors';
import type { EncryptionKey } from './encryption-key';

/**
 * Kanbu Backup encrypted stream, format v2 (byte layout in docs/FORMAT.md).
 *
 *   header (49 bytes) = magic "KANBUBK\0" | version 0x02 | kdf | iterations u32be
 *                       | salt[16] | key id[8] | chunk size u32be | nonce prefix[7]
 *   chunk i           = AES-256-GCM(file key, nonce = prefix | i u32be | final flag,
 *                       aad = header) ciphertext | tag[16]
 *
 * Every chunk but the last holds exactly `chunk size` plaintext bytes; the last
 * holds fewer (possibly none) and has the final flag set, so truncation,
 * reordering, appending and header edits all fail authentication.
 */
export const MAGIC = Buffer.from('KANBUBK\0', 'latin1');
export const FORMAT_VERSION = 2;
export const HEADER_LENGTH = 49;
export const TAG_LENGTH = 16;
export const SALT_LENGTH = 16;
export const NONCE_PREFIX_LENGTH = 7;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const MAX_CHUNKS = 0xffffffff;
export const HKDF_INFO = Buffer.from('kanbu-backup v2 chunk key', 'latin1');

export enum Kdf {
  /** The configured key is 32 raw bytes. */
  Raw = 1,
  /** The configured key is a passphrase, stretched with PBKDF2-HMAC-SHA256. */
  Pbkdf2Sha256 = 2,
}

export interface StreamHeader {
  kdf: Kdf;
  iterations: number;
  salt: Buffer;
  keyId: string;
  chunkSize: number;
  noncePrefix: Buffer;
}

export function hasV2Magic(bytes: Buffer): boolean {
  return bytes.length >= MAGIC.length && bytes.subarray(0, MAGIC.length).equals(MAGIC);
}

export function encodeHeader(h: StreamHeader): Buffer {
  const out = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(out, 0);
  out.writeUInt8(FORMAT_VERSION, 8);
  out.writeUInt8(h.kdf, 9);
  out.writeUInt32BE(h.iterations, 10);
  h.salt.copy(out, 14);
  Buffer.from(h.keyId, 'hex').copy(out, 30);
  out.writeUInt32BE(h.chunkSize, 38);
  h.noncePrefix.copy(out, 42);
  return out;
}

function corrupt(message: string): AppError {
  return new AppError(ErrorCode.CorruptBackup, message);
}

export function decodeHeader(bytes: Buffer): StreamHeader {
  if (!hasV2Magic(bytes)) throw corrupt('Not a Kanbu Backup encrypted file (bad magic)');
  const version = bytes.readUInt8(8);
  if (version !== FORMAT_VERSION) throw corrupt(`Unsupported encryption format version ${version}`);
  const kdf = bytes.readUInt8(9);
  if (kdf !== Kdf.Raw && kdf !== Kdf.Pbkdf2Sha256) throw corrupt(`Unknown key derivation ${kdf} in header`);
  const iterations = bytes.readUInt32BE(10);
  if (kdf === Kdf.Pbkdf2Sha256 && iterations < 1) throw corrupt('Header has zero PBKDF2 iterations');
  const chunkSize = bytes.readUInt32BE(38);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw corrupt(`Header has an invalid chunk size ${chunkSize}`);
  return {
    kdf,
    iterations,
    salt: Buffer.from(bytes.subarray(14, 30)),
    keyId: bytes.subarray(30, 38).toString('hex'),
    chunkSize,
    noncePrefix: Buffer.from(bytes.subarray(42, 49)),
  };
}

export function chunkNonce(prefix: Buffer, index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 7);
  nonce.writeUInt8(final ? 1 : 0, 11);
  return nonce;
}

const pbkdf2Async = promisify(pbkdf2);
const hkdfAsync = promisify(hkdf);

/** The per-file AES-256 key: HKDF-SHA256(ikm, salt, info), ikm = raw key or PBKDF2(passphrase, salt). */
export async function deriveFileKey(key: EncryptionKey, header: Pick<StreamHeader, 'kdf' | 'iterations' | 'salt'>): Promise<Buffer> {
  const ikm = header.kdf === Kdf.Raw ? key.material : await pbkdf2Async(key.material, header.salt, header.iterations, 32, 'sha256');
  return Buffer.from(await hkdfAsync('sha256', ikm, header.salt, HKDF_INFO, 32));
}

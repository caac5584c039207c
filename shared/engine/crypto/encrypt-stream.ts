import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import type { EncryptionKey } from './encryption-key';
import { PBKDF2_ITERATIONS } from './encryption-key';
import { chunkNonce, DEFAULT_CHUNK_SIZE, deriveFileKey, encodeHeader, Kdf, MAX_CHUNKS, NONCE_PREFIX_LENGTH, SALT_LENGTH, StreamHeader } from './stream-format';

/** Encrypts a byte stream into format v2, one authenticated chunk at a time. */
class EncryptStream extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private headerSent = false;

  constructor(
    private readonly fileKey: Buffer,
    private readonly headerBytes: Buffer,
    private readonly header: StreamHeader,
  ) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.header.chunkSize) return callback();
    const data = Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    try {
      for (; data.length - offset >= this.header.chunkSize; offset += this.header.chunkSize) {
        this.sealChunk(data.subarray(offset, offset + this.header.chunkSize), false);
      }
    } catch (err) {
      return callback(err as Error);
    }
    const rest = data.subarray(offset);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    callback();
  }

  _flush(callback: TransformCallback): void {
    try {
      this.sealChunk(Buffer.concat(this.pending, this.pendingBytes), true);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private sealChunk(plain: Buffer, final: boolean): void {
    if (!this.headerSent) {
      this.push(this.headerBytes);
      this.headerSent = true;
    }
    if (this.index > MAX_CHUNKS) throw new Error('Backup too large for one encrypted stream');
    const cipher = createCipheriv('aes-256-gcm', this.fileKey, chunkNonce(this.header.noncePrefix, this.index, final));
    cipher.setAAD(this.headerBytes);
    const body = cipher.update(plain);
    cipher.final();
    this.push(body);
    this.push(cipher.getAuthTag());
    this.index += 1;
  }
}

export interface EncryptOptions {
  chunkSize?: number;
  /** Fixed salt and nonce prefix, for test vectors only. */
  salt?: Buffer;
  noncePrefix?: Buffer;
}

export async function createEncryptStream(key: EncryptionKey, options: EncryptOptions = {}): Promise<Transform> {
  const header: StreamHeader = {
    kdf: key.kind === 'raw' ? Kdf.Raw : Kdf.Pbkdf2Sha256,
    iterations: key.kind === 'raw' ? 0 : PBKDF2_ITERATIONS,
    salt: options.salt ?? randomBytes(SALT_LENGTH),
    keyId: key.id,
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    noncePrefix: options.noncePrefix ?? randomBytes(NONCE_PREFIX_LENGTH),
  };
  const fileKey = await deriveFileKey(key, header);
  return new EncryptStream(fileKey, encodeHeader(header), header);
}

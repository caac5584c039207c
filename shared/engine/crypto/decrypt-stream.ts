import { createDecipheriv } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import type { KeyRing } from './key-ring';
import { chunkNonce, decodeHeader, deriveFileKey, HEADER_LENGTH, Kdf, StreamHeader, TAG_LENGTH } from './stream-format';

function corrupt(message: string): AppError {
  return new AppError(ErrorCode.CorruptBackup, message);
}

/**
 * Decrypts format v2. A chunk's plaintext is passed on only after its tag
 * verified, so at most one chunk of data is ever held and nothing
 * unauthenticated reaches gunzip or psql.
 */
export class DecryptStream extends Transform {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private header: StreamHeader | null = null;
  private headerBytes: Buffer | null = null;
  private fileKey: Buffer | null = null;
  private index = 0;

  constructor(private readonly keys: KeyRing) {
    super();
  }

  /** The key id named in the header, once it has been read. */
  get keyId(): string | undefined {
    return this.header?.keyId;
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.process(false).then(() => callback(), callback);
  }

  _flush(callback: TransformCallback): void {
    this.process(true).then(() => callback(), callback);
  }

  private async process(atEnd: boolean): Promise<void> {
    if (!this.fileKey) {
      if (this.bufferedBytes < HEADER_LENGTH) {
        if (atEnd) throw corrupt('Encrypted backup is truncated: the header is incomplete');
        return;
      }
      await this.readHeader();
    }
    const header = this.header!;
    const record = header.chunkSize + TAG_LENGTH;
    if (this.bufferedBytes >= record) {
      const data = Buffer.concat(this.buffered, this.bufferedBytes);
      let offset = 0;
      for (; data.length - offset >= record; offset += record) this.openChunk(data.subarray(offset, offset + record), false);
      const rest = data.subarray(offset);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
    }
    if (atEnd) {
      if (this.bufferedBytes < TAG_LENGTH) throw corrupt('Encrypted backup is truncated: the final chunk is missing');
      this.openChunk(Buffer.concat(this.buffered, this.bufferedBytes), true);
      this.buffered = [];
      this.bufferedBytes = 0;
    }
  }

  private async readHeader(): Promise<void> {
    const data = Buffer.concat(this.buffered, this.bufferedBytes);
    const header = decodeHeader(data.subarray(0, HEADER_LENGTH));
    const key = this.keys.find(header.keyId);
    if ((header.kdf === Kdf.Raw) !== (key.kind === 'raw')) throw corrupt('Header key derivation does not match the key it names');
    this.fileKey = await deriveFileKey(key, header);
    this.header = header;
    this.headerBytes = Buffer.from(data.subarray(0, HEADER_LENGTH));
    const rest = data.subarray(HEADER_LENGTH);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
  }

  private openChunk(record: Buffer, final: boolean): void {
    const header = this.header!;
    const body = record.subarray(0, record.length - TAG_LENGTH);
    const tag = record.subarray(record.length - TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', this.fileKey!, chunkNonce(header.noncePrefix, this.index, final));
    decipher.setAAD(this.headerBytes!);
    decipher.setAuthTag(tag);
    const plain = decipher.update(body);
    try {
      decipher.final();
    } catch {
      const where = final ? 'the final chunk' : `chunk ${this.index}`;
      throw corrupt(`Encrypted backup is corrupted, truncated or was modified: ${where} failed authentication`);
    }
    this.index += 1;
    if (plain.length > 0) this.push(plain);
  }
}

export function createDecryptStream(keys: KeyRing): DecryptStream {
  return new DecryptStream(keys);
}

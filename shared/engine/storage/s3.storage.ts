import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import { PARTIAL_PREFIX } from './local.storage';
import { COPY_PART_BYTES, copyWithAttributes, CopyTuning, MAX_SINGLE_COPY_BYTES } from './s3-copy';
import { createS3Client, normalizePrefix, S3Settings } from './s3-client';
import { isNotFound, s3Failure } from './s3-errors';
import { createS3Writer } from './s3-writer';
import { assertSafeName, isSafeName } from './safe-name';
import type { ByteRange, StorageBackend, StorageUsage, StorageWriter, StoredObject } from './storage-backend';

interface ListedObject {
  key: string;
  sizeBytes: number;
  modifiedAt: Date;
}

/** Backups as objects `<prefix><name>` in an S3 (or S3-compatible) bucket. */
export class S3Storage implements StorageBackend {
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(
    readonly name: string,
    private readonly settings: S3Settings,
    private readonly tuning: CopyTuning = { maxSingleCopyBytes: MAX_SINGLE_COPY_BYTES, copyPartBytes: COPY_PART_BYTES },
  ) {
    this.client = createS3Client(settings);
    this.prefix = normalizePrefix(settings.prefix);
  }

  get location(): string {
    const base = `s3://${this.settings.bucket}/${this.prefix}`;
    return this.settings.endpoint ? `${base} at ${this.settings.endpoint}` : base;
  }

  describe(name: string): string {
    return `s3://${this.settings.bucket}/${this.key(name)}`;
  }

  async createWriter(name: string): Promise<StorageWriter> {
    const finalKey = this.key(name);
    return createS3Writer({
      client: this.client,
      bucket: this.settings.bucket,
      finalKey,
      tempKey: `${this.prefix}${PARTIAL_PREFIX}${randomBytes(6).toString('hex')}-${name}`,
      partSizeBytes: this.settings.partSizeBytes,
      attributes: { sse: this.settings.sse, sseKmsKeyId: this.settings.sseKmsKeyId, storageClass: this.settings.storageClass },
      tuning: this.tuning,
      where: this.describe(name),
    });
  }

  async openRead(name: string, range?: ByteRange): Promise<Readable> {
    const key = this.key(name);
    try {
      const result = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
      return result.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new AppError(ErrorCode.BackupFileNotFound, `Backup file not found: ${name} is not in ${this.location}`);
      throw s3Failure(err, 'read', this.describe(name));
    }
  }

  async stat(name: string): Promise<StoredObject | null> {
    const key = this.key(name);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return {
        name,
        sizeBytes: head.ContentLength ?? 0,
        modifiedAt: head.LastModified ?? new Date(0),
        ...(head.Metadata?.sha256 ? { sha256: head.Metadata.sha256 } : {}),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw s3Failure(err, 'stat', this.describe(name));
    }
  }

  async list(): Promise<StoredObject[]> {
    const objects = await this.listKeys(this.prefix);
    return objects.map((o) => ({ name: o.key.slice(this.prefix.length), sizeBytes: o.sizeBytes, modifiedAt: o.modifiedAt })).filter((o) => isSafeName(o.name));
  }

  async delete(name: string): Promise<void> {
    const key = this.key(name);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw s3Failure(err, 'delete', this.describe(name));
    }
  }

  /**
   * A server-side copy over the final key (atomic for readers: S3 swaps the whole
   * object when the copy completes), keeping the `sha256` metadata and applying the
   * target's encryption and storage class, then the staged object is deleted.
   */
  async replace(from: string, to: string): Promise<void> {
    await this.copyWithin(from, to, this.settings.storageClass);
    // `to` is replaced now, so this must not fail the replace; the next rotation removes a leftover.
    await this.delete(from).catch(() => undefined);
  }

  /** A server-side copy kept in STANDARD: it is short-lived, and archive classes bill a minimum duration. */
  async duplicate(from: string, to: string): Promise<void> {
    await this.copyWithin(from, to, undefined);
  }

  async usage(): Promise<StorageUsage> {
    const objects = await this.list();
    return { usedBytes: objects.reduce((sum, o) => sum + o.sizeBytes, 0), objectCount: objects.length };
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (err) {
      if (isNotFound(err)) throw new AppError(ErrorCode.StorageUnavailable, `S3 bucket ${this.settings.bucket} does not exist at ${this.location}`);
      throw s3Failure(err, 'bucket check', this.location);
    }
  }

  /** Aborts multipart uploads and deletes temporary objects of ours that were started before `olderThan`. */
  async removeStaleWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    for (const upload of await this.listUploads()) {
      // Started long ago is not stale: a large backup may still be uploading. Its last part says.
      if (upload.initiated >= olderThan || (await this.lastActivity(upload)) >= olderThan) continue;
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: upload.key, UploadId: upload.uploadId }))
        .then(() => removed++)
        .catch((err) => {
          if (!isNotFound(err)) throw s3Failure(err, 'abort of a stale upload', this.location);
        });
    }
    for (const temp of await this.listKeys(`${this.prefix}${PARTIAL_PREFIX}`)) {
      if (temp.modifiedAt >= olderThan) continue;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: temp.key })).catch((err) => {
        throw s3Failure(err, 'delete of a stale temporary object', this.location);
      });
      removed++;
    }
    return removed;
  }

  /** Copies `from` to `to` in the bucket with `from`'s metadata, the target's encryption and `storageClass`. */
  private async copyWithin(from: string, to: string, storageClass: string | undefined): Promise<void> {
    const [source, target] = [this.key(from), this.key(to)];
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: source }));
    } catch (err) {
      if (isNotFound(err)) throw new AppError(ErrorCode.BackupFileNotFound, `Backup file not found: ${from} is not in ${this.location}`);
      throw s3Failure(err, 'copy', this.describe(from));
    }
    const attributes = { metadata: head.Metadata ?? {}, sse: this.settings.sse, sseKmsKeyId: this.settings.sseKmsKeyId, storageClass };
    try {
      await copyWithAttributes(
        this.client,
        { bucket: this.settings.bucket, from: source, to: target, sizeBytes: head.ContentLength ?? 0, attributes },
        this.tuning,
      );
    } catch (err) {
      throw s3Failure(err, `copy from ${from}`, this.describe(to));
    }
  }

  private key(name: string): string {
    return `${this.prefix}${assertSafeName(name)}`;
  }

  /** Objects directly under `prefix` (not in deeper "folders"), every page. */
  private async listKeys(prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.settings.bucket, Prefix: prefix, Delimiter: '/' })) {
        for (const o of page.Contents ?? []) {
          if (o.Key) objects.push({ key: o.Key, sizeBytes: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) });
        }
      }
    } catch (err) {
      throw s3Failure(err, 'list', this.location);
    }
    return objects;
  }

  /** When an unfinished upload last received a part (its start when it has none). */
  private async lastActivity(upload: { key: string; uploadId: string; initiated: Date }): Promise<Date> {
    let latest = upload.initiated;
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListPartsCommand({ Bucket: this.settings.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker: marker }),
        );
        for (const part of page.Parts ?? []) if (part.LastModified && part.LastModified > latest) latest = part.LastModified;
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (err) {
      // Gone meanwhile (completed or aborted): nothing to clean up, so never "stale".
      if (isNotFound(err)) return new Date(8.64e15);
      throw s3Failure(err, 'listing of the parts of an unfinished upload', this.location);
    }
    return latest;
  }

  /** Unfinished multipart uploads of objects directly under our prefix, every page. */
  private async listUploads(): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
    const uploads = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.settings.bucket,
            Prefix: this.prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const u of page.Uploads ?? []) {
          if (u.Key && u.UploadId && !u.Key.slice(this.prefix.length).includes('/')) {
            uploads.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
          }
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (err) {
      throw s3Failure(err, 'listing of unfinished uploads', this.location);
    }
    return uploads;
  }
}

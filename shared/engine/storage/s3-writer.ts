import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Writable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import { drained } from '../../util/drained';
import { copyWithAttributes, CopyTuning, ObjectAttributes } from './s3-copy';
import { isNotFound, s3Failure } from './s3-errors';
import type { CommitMetadata, StorageWriter } from './storage-backend';

/** Parts uploaded at once; memory per write is about (this + 1) parts. */
export const UPLOAD_QUEUE_SIZE = 4;

export interface S3WriteTarget {
  client: S3Client;
  bucket: string;
  /** The key the backup is committed to. */
  finalKey: string;
  /** Where the bytes stream to first; copied to `finalKey` with the checksum at commit. */
  tempKey: string;
  partSizeBytes: number;
  /** Encryption and storage class of the final object. The temporary one keeps STANDARD: archive classes bill a minimum duration. */
  attributes: Omit<ObjectAttributes, 'metadata'>;
  tuning: CopyTuning;
  /** For messages, e.g. `s3://bucket/key`. */
  where: string;
}

/**
 * Streams a backup to S3 with a multipart upload (bounded memory, no temporary
 * file) under a temporary key. The SHA-256 is only known when the stream ends, so
 * commit copies the object server-side to its final key with the checksum as
 * metadata (`x-amz-meta-sha256`) and removes the temporary one: nothing appears
 * under the final key before commit. A failed upload is aborted, so it leaves no
 * parts behind (or, if S3 is unreachable, parts that removeStaleWrites aborts later).
 */
export function createS3Writer(t: S3WriteTarget): StorageWriter {
  const body = new PassThrough();
  const encryption = {
    ...(t.attributes.sse ? { ServerSideEncryption: t.attributes.sse } : {}),
    ...(t.attributes.sseKmsKeyId ? { SSEKMSKeyId: t.attributes.sseKmsKeyId } : {}),
  };
  const upload = new Upload({
    client: t.client,
    params: { Bucket: t.bucket, Key: t.tempKey, Body: body, ContentType: 'application/octet-stream', ...encryption } as ConstructorParameters<
      typeof Upload
    >[0]['params'],
    partSize: t.partSizeBytes,
    queueSize: UPLOAD_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const uploaded = upload.done().then(() => undefined);
  const failure = uploaded.then(
    () => null,
    (err) => s3Failure(err, 'upload', t.where),
  );
  // The SDK destroys the body when it stops reading (an AbortError); writers must see why the upload stopped instead.
  body.on('error', () => undefined);
  const failed = (callback: (err?: Error | null) => void) => failure.then((err) => callback(err ?? new Error(`S3 upload to ${t.where} stopped reading`)));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (body.destroyed) return void failed(callback);
      if (body.write(chunk)) return callback();
      drained(body).then(
        () => callback(),
        () => failed(callback),
      );
    },
    final(callback) {
      if (body.destroyed) return void failed(callback);
      body.end();
      callback();
    },
    destroy(err, callback) {
      // Also called after a normal finish (autoDestroy): the body must then be left to the upload.
      if (err || !stream.writableFinished) body.destroy();
      callback(err);
    },
  });
  let finalKeyWritten = false;

  const remove = (key: string) => t.client.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key }));
  const sizeOf = async (key: string) => (await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key }))).ContentLength ?? 0;
  const exists = (key: string) =>
    sizeOf(key).then(
      () => true,
      (err) => (isNotFound(err) ? false : Promise.reject(err)),
    );

  return {
    stream,
    async commit(metadata: CommitMetadata) {
      try {
        const uploadError = await failure;
        if (uploadError) throw uploadError;
        const sizeBytes = await sizeOf(t.tempKey);
        if (await exists(t.finalKey)) {
          throw new AppError(ErrorCode.BackupFileExists, `${t.where} already exists; a backup is never overwritten`);
        }
        finalKeyWritten = true;
        await copyWithAttributes(
          t.client,
          { bucket: t.bucket, from: t.tempKey, to: t.finalKey, sizeBytes, attributes: { ...t.attributes, metadata: { sha256: metadata.sha256 } } },
          t.tuning,
        );
        // A leftover temporary object is harmless (listing skips it) and removeStaleWrites removes it later.
        await remove(t.tempKey).catch(() => undefined);
        return { sizeBytes: await sizeOf(t.finalKey) };
      } catch (err) {
        throw s3Failure(err, 'commit', t.where);
      }
    },
    async abort() {
      stream.destroy();
      body.destroy();
      // Upload.done() settles only after it aborted the multipart upload (or failed to reach S3 for it).
      await uploaded.catch(() => undefined);
      await Promise.allSettled([remove(t.tempKey), ...(finalKeyWritten ? [remove(t.finalKey)] : [])]);
    },
  };
}

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  S3Client,
  ServerSideEncryption,
  StorageClass,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../../util/map-with-concurrency';

/** S3 refuses a single CopyObject above 5 GiB; larger objects are copied in ranges. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
export const COPY_PART_BYTES = 512 * 1024 ** 2;
const COPY_CONCURRENCY = 4;

export interface CopyTuning {
  maxSingleCopyBytes: number;
  copyPartBytes: number;
}

export interface ObjectAttributes {
  metadata: Record<string, string>;
  sse?: string;
  sseKmsKeyId?: string;
  storageClass?: string;
}

export interface CopyRequest {
  bucket: string;
  from: string;
  to: string;
  sizeBytes: number;
  attributes: ObjectAttributes;
}

/** Inclusive byte ranges of at most `partBytes`, numbered from 1 as S3 parts are. */
export function copyRanges(sizeBytes: number, partBytes: number): { partNumber: number; start: number; end: number }[] {
  const ranges = [];
  for (let start = 0, partNumber = 1; start < sizeBytes; start += partBytes, partNumber++) {
    ranges.push({ partNumber, start, end: Math.min(start + partBytes, sizeBytes) - 1 });
  }
  return ranges;
}

function attributeParams(a: ObjectAttributes) {
  return {
    Metadata: a.metadata,
    ContentType: 'application/octet-stream',
    ...(a.sse ? { ServerSideEncryption: a.sse as ServerSideEncryption } : {}),
    ...(a.sseKmsKeyId ? { SSEKMSKeyId: a.sseKmsKeyId } : {}),
    ...(a.storageClass ? { StorageClass: a.storageClass as StorageClass } : {}),
  };
}

function copySource(bucket: string, key: string): string {
  return [bucket, ...key.split('/')].map(encodeURIComponent).join('/');
}

/**
 * Server-side copy that sets the final object's metadata, encryption and
 * storage class: one CopyObject up to 5 GiB, a multipart copy above.
 */
export async function copyWithAttributes(client: S3Client, request: CopyRequest, tuning: CopyTuning): Promise<void> {
  const source = copySource(request.bucket, request.from);
  if (request.sizeBytes <= tuning.maxSingleCopyBytes) {
    await client.send(
      new CopyObjectCommand({
        Bucket: request.bucket,
        Key: request.to,
        CopySource: source,
        MetadataDirective: 'REPLACE',
        ...attributeParams(request.attributes),
      }),
    );
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: request.bucket, Key: request.to, ...attributeParams(request.attributes) }));
  const target = { Bucket: request.bucket, Key: request.to, UploadId };
  try {
    const parts = await mapWithConcurrency(copyRanges(request.sizeBytes, tuning.copyPartBytes), COPY_CONCURRENCY, async (range) => {
      const result = await client.send(
        new UploadPartCopyCommand({
          ...target,
          PartNumber: range.partNumber,
          CopySource: source,
          CopySourceRange: `bytes=${range.start}-${range.end}`,
        }),
      );
      return { PartNumber: range.partNumber, ETag: result.CopyPartResult?.ETag };
    });
    await client.send(new CompleteMultipartUploadCommand({ ...target, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand(target)).catch(() => undefined);
    throw err;
  }
}

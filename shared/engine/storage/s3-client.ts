import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  bucket: string;
  region: string;
  /** S3-compatible services (MinIO, Backblaze B2); undefined for AWS. */
  endpoint?: string;
  /** Key prefix, `''` or ending in `/`. */
  prefix: string;
  forcePathStyle: boolean;
  sse?: string;
  sseKmsKeyId?: string;
  storageClass?: string;
  partSizeBytes: number;
  /** Undefined: the SDK's default chain (environment, profile, instance or pod role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Keys are `<prefix><name>`: an optional prefix is normalised to end in exactly one `/`. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    maxAttempts: 3,
    // A silent server must fail the write (and let replication drop it), not hang it.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    // S3-compatible services often reject the newer default checksum headers; our own SHA-256 covers integrity.
    ...(settings.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  });
}

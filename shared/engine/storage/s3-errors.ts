import { AppError, ErrorCode, errorMessage } from '../../errors';

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Errors no retry fixes: wrong credentials, missing bucket, refused parameters. */
const PERMANENT = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
  'InvalidBucketName',
  'AuthorizationHeaderMalformed',
  'PermanentRedirect',
  'InvalidStorageClass',
  'InvalidArgument',
  'InvalidRequest',
]);

export function isNotFound(err: unknown): boolean {
  const e = err as SdkError;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** An S3 failure as our error: what was attempted, where, and the service's reason; no credentials. */
export function s3Failure(err: unknown, action: string, where: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as SdkError;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return new AppError(ErrorCode.StorageUnavailable, `S3 ${action} failed at ${where}: ${name}${errorMessage(err)}`, {
    retryable: !PERMANENT.has(e?.name ?? ''),
    cause: err,
  });
}

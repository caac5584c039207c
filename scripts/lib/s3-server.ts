import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from './services';

// s3rver ships no type declarations, so an ES import would not compile; require() leaves it untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('@20minutes/s3rver');

export const S3_ACCESS_KEY = 'S3RVER';
export const S3_SECRET_KEY = 'S3RVER';

export interface S3Request {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Every request the server received, oldest first. */
  requests: S3Request[];
  /** Called for each request before it is handled, e.g. to stop the server mid-upload; a returned fault is the answer instead. */
  onRequest?: (request: S3Request) => S3Fault | void;
  /** A client of our own, for assertions through the real SDK. */
  client: S3Client;
  /** Environment of a storage target on this server (`s3` or a named one like `s3:us`). */
  env(target?: string, prefix?: string): Record<string, string>;
  running(): boolean;
  /** Stops at once: open connections are cut, as when the server dies. */
  stop(): Promise<void>;
  /** Starts again on the same port with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** An S3 error answer, e.g. `{ status: 403, code: 'AccessDenied' }`. */
export interface S3Fault {
  status: number;
  code: string;
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * s3rver implements multipart uploads but not ListMultipartUploads, ListParts and
 * AbortMultipartUpload; these operate on its own upload store
 * (`<bucket>/._S3rver_uploads/<id>/{key,<part number>,…}`), so the SDK can list
 * and abort unfinished uploads over HTTP as it would against S3.
 */
function multipartAdministration(directory: string): Middleware {
  const uploadsDir = (bucket: string) => join(directory, bucket, '._S3rver_uploads');
  return async (ctx, next) => {
    const [, bucket, ...keyParts] = ctx.path.split('/');
    const key = keyParts.join('/');
    if (ctx.method === 'GET' && key === '' && 'uploads' in ctx.query) {
      const prefix = ctx.query.prefix ?? '';
      const ids = await readdir(uploadsDir(bucket)).catch(() => [] as string[]);
      const uploads = [];
      for (const id of ids) {
        const key = await readFile(join(uploadsDir(bucket), id, 'key'), 'utf8').catch(() => null);
        if (key === null || !key.startsWith(prefix)) continue;
        const dirStat = await stat(join(uploadsDir(bucket), id));
        const initiated = dirStat.birthtimeMs > 0 ? dirStat.birthtime : dirStat.mtime;
        uploads.push(
          `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
        );
      }
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
      return;
    }
    if (ctx.method === 'GET' && key !== '' && ctx.query.uploadId) {
      const dir = join(uploadsDir(bucket), ctx.query.uploadId.replace(/[^0-9a-f]/g, ''));
      const names = await readdir(dir).catch(() => null);
      ctx.type = 'application/xml';
      if (names === null) {
        ctx.status = 404;
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
        return;
      }
      const parts = [];
      for (const name of names.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b))) {
        const s = await stat(join(dir, name));
        parts.push(`<Part><PartNumber>${name}</PartNumber><LastModified>${s.mtime.toISOString()}</LastModified><Size>${s.size}</Size></Part>`);
      }
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${ctx.query.uploadId}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`;
      return;
    }
    if (ctx.method === 'DELETE' && key !== '' && ctx.query.uploadId) {
      const dir = join(uploadsDir(bucket), ctx.query.uploadId.replace(/[^0-9a-f]/g, ''));
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      if (!exists) {
        ctx.status = 404;
        ctx.type = 'application/xml';
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
        return;
      }
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  };
}

/** A real S3-protocol server (s3rver) on 127.0.0.1, on a port of its own, with one bucket. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'kbt-s3-'));
  const bucket = uniqueName('kbt').toLowerCase().replace(/_/g, '-');
  let port = 0;
  let httpServer: Server | null = null;
  const sockets = new Set<Socket>();

  const server: TestS3Server = {
    endpoint: '',
    bucket,
    requests: [],
    client: undefined as unknown as S3Client,
    env(target = 's3', prefix = uniqueName('p')) {
      const infix = target === 's3' ? '' : `${target.split(':')[1].toUpperCase().replace(/-/g, '_')}_`;
      return {
        [`BACKUP_S3_${infix}BUCKET`]: bucket,
        [`BACKUP_S3_${infix}ENDPOINT`]: server.endpoint,
        [`BACKUP_S3_${infix}FORCE_PATH_STYLE`]: 'true',
        [`BACKUP_S3_${infix}PREFIX`]: prefix,
        [`BACKUP_S3_${infix}ACCESS_KEY_ID`]: S3_ACCESS_KEY,
        [`BACKUP_S3_${infix}SECRET_ACCESS_KEY`]: S3_SECRET_KEY,
        [`BACKUP_S3_${infix}PART_SIZE_MB`]: '5',
      };
    },
    running: () => httpServer !== null,
    async start() {
      // s3rver computes some canonical query strings differently from the SDK (ListObjectsV2); signatures are not what we test.
      const app = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }], allowMismatchedSignatures: true });
      const record: Middleware = async (ctx, next) => {
        const request = { method: ctx.method, path: ctx.path, query: { ...ctx.query }, headers: { ...ctx.headers } };
        server.requests.push(request);
        const fault = server.onRequest?.(request);
        if (fault) {
          ctx.status = fault.status;
          ctx.type = 'application/xml';
          ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>Refused by the test</Message></Error>`;
          return;
        }
        // Stopped by the hook: this request dies with the server, unanswered.
        if (app.httpServer !== httpServer || !httpServer) return;
        await next();
      };
      app.middleware.unshift(record, multipartAdministration(directory));
      app.on('error', () => undefined);
      // s3rver closes its logger with the server; requests cut off by stop() would then complain that it has no transports.
      app.logger.close = () => app.logger;
      const address = await app.run();
      port = address.port;
      httpServer = app.httpServer as Server;
      httpServer.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.endpoint = `http://127.0.0.1:${port}`;
    },
    async stop() {
      const closing = httpServer;
      httpServer = null;
      if (!closing) return;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async close() {
      await server.stop();
      server.client?.destroy();
      await rm(directory, { recursive: true, force: true });
    },
  };
  await server.start();
  server.client = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return server;
}

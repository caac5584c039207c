import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsTimeZone, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IsOriginList, IsPublicUrl, IsTrustProxy } from './browser-access';
import { BoolFromEnv, Doc, IntFromEnv, IsCompressionLevelOf, IsCron, IsCsvOf, IsUrlWithProtocol, NumberFromEnv, Secret } from './env-decorators';
import { IsReplicaList, STORAGE_KINDS, StorageKind, usesUnnamedTarget } from './storage-target-spec';
import type { StorageTargetSpec } from './storage-target-spec';
import { COMPRESSIONS, Compression } from '../domain/types';

export { STORAGE_KINDS };
export type { StorageKind };
export const PG_MODES = ['auto', 'direct', 'docker'] as const;
export const SCHEDULER_MODES = ['internal', 'external', 'both'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export const QUEUE_CHOICES = ['all', 'backup', 'restore', 'verify', 'prune', 'notify'] as const;
export const HEARTBEAT_METHODS = ['GET', 'POST'] as const;

export type PgMode = (typeof PG_MODES)[number];
export type SchedulerMode = (typeof SCHEDULER_MODES)[number];

const POSTGRES_PROTOCOLS = ['postgres', 'postgresql'];

/**
 * Every environment variable the services read, with its default and its
 * documentation (`@Doc`), from which `.env.example` and the README table are generated.
 */
export class Env {
  @Doc('Processes', 'HTTP port of the API.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @Doc('Processes', 'error, warn, info, http (one line per request), verbose, debug.')
  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  @Doc('Processes', '`text` for readable lines, `json` for one JSON object per line.')
  @IsIn(['text', 'json'])
  LOG_FORMAT: 'text' | 'json' = 'text';

  @Doc('Processes', 'Queues a worker process consumes: `all` or a comma list of backup, restore, verify, prune, notify.')
  @IsCsvOf(QUEUE_CHOICES)
  WORKER_QUEUES = 'all';

  @Doc('Processes', 'Jobs a worker runs at once, per queue.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 1;

  @Doc(
    'Processes',
    "Seconds a worker asked to stop (SIGTERM/SIGINT) lets its active jobs finish; then they are aborted (a backup commits nothing, a restore stops before its swap) and the process exits, even with Redis down. Keep it below the orchestrator's kill timeout (Kubernetes: 30 s).",
  )
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(86400)
  WORKER_SHUTDOWN_GRACE_SECONDS = 25;

  @Doc('Connections', 'Redis for the BullMQ queues and locks (`redis://` or `rediss://`).')
  @IsUrlWithProtocol(['redis', 'rediss'])
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Doc('Connections', 'Prefix of every BullMQ key, so several installations can share one Redis.')
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'may contain only letters, digits, "_" and "-"' })
  BACKUP_QUEUE_PREFIX = 'kanbu-backup';

  @Doc(
    'Connections',
    'PostgreSQL database of the backup catalog (backups, copies, schedules, executions). Created by `npm run migrate` if missing. Must not be the Kanbu database itself (a restore would roll the catalog back).',
  )
  @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  CATALOG_DATABASE_URL: string;

  @Doc('Connections', 'The Kanbu database to back up (user, password, host, port, database and `sslmode` are taken from it).')
  @IsOptional()
  @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  DATABASE_URL?: string;

  @Doc('Access', 'Bearer key of the admin API, and the Basic-auth password of Bull Board. At least 16 characters.')
  @Secret()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_ADMIN_API_KEY: string;

  @Doc('Access', 'Bearer key of `POST /api/backup/trigger`; required when BACKUP_SCHEDULER_MODE is `external` or `both`.')
  @Secret()
  @ValidateIf((env: Env) => env.BACKUP_SCHEDULER_MODE !== 'internal' || env.BACKUP_TRIGGER_API_KEY !== undefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_TRIGGER_API_KEY?: string;

  @Doc(
    'Access',
    "Origin, scheme and base path at which browsers reach the API, e.g. `https://backup.example.com` or `https://ops.example.com/kanbu-backup`. Sets the expected `Origin` of signed-in requests, the session cookie's `Secure` flag (HTTPS) and `Path`. Unset: the origin of each request (behind a proxy, set BACKUP_TRUST_PROXY).",
  )
  @IsOptional()
  @IsPublicUrl()
  BACKUP_PUBLIC_URL?: string;

  @Doc(
    'Access',
    '`false`: client addresses are the TCP peers. Behind an ingress or load balancer: the number of proxy hops, or a comma list of proxy addresses / subnets (`loopback`, `10.0.0.0/8`, …), so per-client limits, the audit log and HTTPS detection use `X-Forwarded-For` / `X-Forwarded-Proto`. `true` trusts any sender of those headers.',
  )
  @IsTrustProxy()
  BACKUP_TRUST_PROXY = 'false';

  @Doc('Access', 'Hours a browser session (`POST /api/session`) lives; fractions allowed. Sessions also end on sign-out and when BACKUP_ADMIN_API_KEY changes.')
  @NumberFromEnv()
  @IsNumber({}, { message: 'must be a number of hours' })
  @Min(0.0003)
  @Max(720)
  BACKUP_SESSION_TTL_HOURS = 12;

  @Doc('Access', 'Failed sign-ins one client address may make per BACKUP_SIGNIN_WINDOW_MINUTES before `429 RATE_LIMITED`.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(100000)
  BACKUP_SIGNIN_MAX_ATTEMPTS = 10;

  @Doc('Access', 'Window of the sign-in limit, in minutes.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(1440)
  BACKUP_SIGNIN_WINDOW_MINUTES = 15;

  @Doc(
    'Access',
    'Comma list of other origins (e.g. the Kanbu web app, `https://kanbu.example.com`) whose pages may call the API with an `Authorization: Bearer` header. Never with cookies. Unset: no cross-origin calls.',
  )
  @IsOptional()
  @IsOriginList()
  BACKUP_CORS_ORIGINS?: string;

  @Doc('Access', 'Seconds between heartbeat comments on an idle `GET /api/events` stream, so proxies keep it open.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(300)
  BACKUP_EVENTS_HEARTBEAT_SECONDS = 15;

  @Doc('Scheduling', '`internal`: schedules run inside the workers; `external`: only the trigger endpoint; `both`.')
  @IsIn(SCHEDULER_MODES)
  BACKUP_SCHEDULER_MODE: SchedulerMode = 'internal';

  @Doc('Scheduling', 'Default IANA time zone of cron schedules.')
  @IsTimeZone({ message: 'must be an IANA time zone such as UTC or Europe/Amsterdam' })
  BACKUP_CRON_TIMEZONE = 'UTC';

  @Doc('Scheduling', 'Days to keep backups that belong to no schedule, and of schedules that set no `retentionDays`.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  BACKUP_RETENTION_DAYS = 30;

  @Doc(
    'Scheduling',
    'Days to keep the job history (finished executions) and the notification delivery log; cleaned after every prune. Runs of backups still in the catalog, and restores that kept the replaced database, stay. 0 keeps everything.',
  )
  @IntFromEnv()
  @IsInt()
  @Min(0)
  BACKUP_HISTORY_DAYS = 180;

  @Doc('Scheduling', 'Days to keep the audit log (`GET /api/audit`); cleaned after every prune. 0 keeps everything.')
  @IntFromEnv()
  @IsInt()
  @Min(0)
  BACKUP_AUDIT_DAYS = 365;

  @Doc(
    'Scheduling',
    'Seconds between checks by each worker that the BullMQ job schedulers still mirror the catalog (they are also reconciled at start and on every change).',
  )
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(86400)
  BACKUP_SCHEDULER_RECONCILE_SECONDS = 300;

  @Doc(
    'Scheduling',
    "Seconds a resource lock (e.g. on the database being backed up) lives without renewal; a crashed worker's lock expires after this. Renewed every third of it while the job runs.",
  )
  @IntFromEnv()
  @IsInt()
  @Min(2)
  @Max(3600)
  BACKUP_LOCK_TTL_SECONDS = 60;

  @Doc('Scheduling', 'Seconds a job waits (delayed, not failed) before trying again to take a lock another job holds.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(3600)
  BACKUP_LOCK_RETRY_SECONDS = 10;

  @Doc('Sources', '`direct` (pg_dump over the network), `docker` (docker exec into the Postgres container) or `auto`.')
  @IsIn(PG_MODES)
  BACKUP_PG_MODE: PgMode = 'auto';

  @Doc('Sources', 'Docker mode: name or id of the Postgres container.')
  @IsOptional()
  @IsString()
  POSTGRES_CONTAINER?: string;

  @Doc('Sources', 'Docker mode: container-name pattern tried when no container is named or labelled.')
  @IsString()
  @IsNotEmpty()
  POSTGRES_CONTAINER_PATTERN = 'postgres';

  @Doc('Sources', 'Directory of the Kanbu code base for source backups.')
  @IsString()
  @IsNotEmpty()
  KANBU_SOURCE_PATH = '/app';

  @Doc(
    'Sources',
    'Source backups: extra comma-separated exclusions on top of the defaults (`node_modules/`, `.git/`, `dist/`, `.next/`, `.turbo/`, `coverage/`, `*.log`, `.env.local`). `name/` is a directory at any depth, `*.tmp` a name at any depth, `docs/private` a path from the root.',
  )
  @IsOptional()
  @IsString()
  BACKUP_SOURCE_EXCLUDE = '';

  @Doc('Storage', 'Primary storage target: `local`, `gdrive` or `s3`.')
  @IsIn(STORAGE_KINDS)
  BACKUP_STORAGE: StorageKind = 'local';

  @Doc('Storage', 'Directory of the `local` target.')
  @IsString()
  @IsNotEmpty()
  BACKUP_LOCAL_PATH = '/data/backups';

  @Doc(
    'Storage',
    'Mount point of the Google Drive folder of the `gdrive` target (e.g. `rclone mount gdrive:kanbu-backups /mnt/gdrive/kanbu-backups`). It is never created: a missing or unmounted path is refused.',
  )
  @ValidateIf((env: Env) => usesUnnamedTarget(env, 'gdrive'))
  @IsString()
  @IsNotEmpty()
  BACKUP_GDRIVE_PATH = '/mnt/gdrive/kanbu-backups';

  @Doc(
    'Storage',
    '`true`: refuse BACKUP_GDRIVE_PATH unless it is a mount point (another filesystem than its parent), so an absent rclone mount never fills the local disk. `false` only for a Drive folder synced by other means.',
  )
  @BoolFromEnv()
  @IsBoolean()
  BACKUP_GDRIVE_REQUIRE_MOUNT = true;

  @Doc(
    'Storage',
    "Further targets each backup is also written to, in the same pass (3-2-1): a comma list of `local`, `gdrive`, `s3` or named targets `kind:name`, e.g. `s3:us,gdrive`. A named target reads its own variables, the kind's with the upper-cased name inserted: `s3:us` → `BACKUP_S3_US_BUCKET`, `BACKUP_S3_US_REGION`, …; `local:offsite` → `BACKUP_LOCAL_OFFSITE_PATH`. Nothing is inherited from the unnamed variables.",
  )
  @IsOptional()
  @IsReplicaList()
  BACKUP_REPLICAS?: string;

  @Doc(
    'Storage',
    '`false`: a backup is `completed` when the primary copy succeeded and `completed_with_warnings` when a replica failed. `true`: any failed copy fails the backup (and its other copies are removed).',
  )
  @BoolFromEnv()
  @IsBoolean()
  BACKUP_REQUIRE_ALL_COPIES = false;

  @Doc('Storage', 'Bucket of the `s3` target.')
  @ValidateIf((env: Env) => usesUnnamedTarget(env, 's3'))
  @IsString()
  @IsNotEmpty()
  BACKUP_S3_BUCKET?: string;

  @Doc('Storage', 'Region of the `s3` bucket.')
  @IsString()
  @IsNotEmpty()
  BACKUP_S3_REGION = 'us-east-1';

  @Doc('Storage', 'Endpoint of an S3-compatible service (MinIO, Backblaze B2, …), e.g. `https://s3.eu-central-003.backblazeb2.com`. Unset: AWS S3.')
  @IsOptional()
  @IsUrlWithProtocol(['http', 'https'])
  BACKUP_S3_ENDPOINT?: string;

  @Doc('Storage', 'Key prefix (folder) of the backups inside the bucket, e.g. `kanbu/prod`.')
  @IsOptional()
  @Matches(/^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/, {
    message: 'may contain only letters, digits, ".", "_", "-" and "/" between names',
  })
  BACKUP_S3_PREFIX?: string;

  @Doc('Storage', '`true` for path-style URLs (`endpoint/bucket/key`), which MinIO and most self-hosted services need.')
  @BoolFromEnv()
  @IsBoolean()
  BACKUP_S3_FORCE_PATH_STYLE = false;

  @Doc('Storage', 'Server-side encryption of stored objects: `AES256` or `aws:kms`. Unset: the bucket default.')
  @IsOptional()
  @IsIn(['AES256', 'aws:kms', 'aws:kms:dsse'])
  BACKUP_S3_SSE?: string;

  @Doc('Storage', "KMS key id or ARN when BACKUP_S3_SSE is `aws:kms`. Unset: the account's default KMS key.")
  @IsOptional()
  @IsString()
  BACKUP_S3_SSE_KMS_KEY_ID?: string;

  @Doc(
    'Storage',
    'Storage class of stored backups, e.g. `STANDARD_IA` or `GLACIER_IR`. Classes that need a restore before reading (GLACIER, DEEP_ARCHIVE) make download, verify and restore fail over to another copy.',
  )
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]*$/, { message: 'must be an S3 storage class such as STANDARD_IA' })
  BACKUP_S3_STORAGE_CLASS?: string;

  @Doc(
    'Storage',
    'Multipart upload part size in MiB (5 to 5120). Each S3 target holds a few parts in memory while it writes (about 100 MiB at the default); a backup may have at most 10,000 parts (80 GB at 8 MiB).',
  )
  @IntFromEnv()
  @IsInt()
  @Min(5)
  @Max(5120)
  BACKUP_S3_PART_SIZE_MB = 8;

  @Doc(
    'Storage',
    'Access key id of the `s3` target. Unset: the AWS SDK default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance or pod role).',
  )
  @Secret()
  @ValidateIf((env: Env) => env.BACKUP_S3_ACCESS_KEY_ID !== undefined || env.BACKUP_S3_SECRET_ACCESS_KEY !== undefined)
  @IsString({ message: 'must be set together with BACKUP_S3_SECRET_ACCESS_KEY' })
  BACKUP_S3_ACCESS_KEY_ID?: string;

  @Doc('Storage', 'Secret access key belonging to BACKUP_S3_ACCESS_KEY_ID.')
  @Secret()
  @ValidateIf((env: Env) => env.BACKUP_S3_ACCESS_KEY_ID !== undefined || env.BACKUP_S3_SECRET_ACCESS_KEY !== undefined)
  @IsString({ message: 'must be set together with BACKUP_S3_ACCESS_KEY_ID' })
  BACKUP_S3_SECRET_ACCESS_KEY?: string;

  @Doc('Pipeline', 'Encrypts new backups: 64 hex characters (a raw 256-bit key) or a passphrase (PBKDF2-SHA256). Unset: backups are not encrypted.')
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters long (or 64 hex characters)' })
  BACKUP_ENCRYPTION_KEY?: string;

  @Doc('Pipeline', 'Comma-separated previous keys, used only to decrypt older backups after a key rotation.')
  @Secret()
  @IsOptional()
  @IsString()
  BACKUP_ENCRYPTION_OLD_KEYS?: string;

  @Doc('Pipeline', '`gzip` (parallel, readable by plain `gunzip`) or `zstd` (needs the `zstd` binary; `.zst` files).')
  @IsIn(COMPRESSIONS)
  BACKUP_COMPRESSION: Compression = 'gzip';

  @Doc(
    'Pipeline',
    "Compression level of BACKUP_COMPRESSION, from fastest to smallest: gzip 1–9, zstd 1–19. Unset: gzip 6, zstd 3 (zstd's own default: 1.5× faster than 6 for a file about 3% larger).",
  )
  @IsOptional()
  @IntFromEnv()
  @IsCompressionLevelOf('BACKUP_COMPRESSION')
  BACKUP_COMPRESSION_LEVEL?: number;

  @Doc(
    'Pipeline',
    'CPU cores compression uses: gzip keeps twice as many 1 MiB blocks in flight (so no core waits while finished blocks are written in order), zstd runs this many threads; `0` = every core.',
  )
  @IntFromEnv()
  @IsInt()
  @Min(0)
  @Max(64)
  BACKUP_COMPRESSION_THREADS = 0;

  @Doc('Pipeline', 'Attempts per job for transient failures (exponential backoff from 30 s).')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(20)
  BACKUP_JOB_ATTEMPTS = 3;

  @Doc('Pipeline', "Seconds a running job holds its queue lock between renewals; a crashed worker's job is noticed after about this long.")
  @IntFromEnv()
  @IsInt()
  @Min(2)
  @Max(600)
  BACKUP_JOB_LOCK_SECONDS = 60;

  @Doc('Notifications', 'SMTP server for e-mail notifications, e.g. `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. Unset: no e-mail.')
  @Secret()
  @IsOptional()
  @IsUrlWithProtocol(['smtp', 'smtps'])
  SMTP_URL?: string;

  @Doc('Notifications', 'Sender of notification e-mails, e.g. `Kanbu Backup <backup@example.com>`.')
  @IsString()
  @IsNotEmpty()
  SMTP_FROM = 'Kanbu Backup <kanbu-backup@localhost>';

  @Doc('Notifications', 'Seconds one notification attempt (HTTP request or SMTP session) may take before it counts as failed and is retried.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(120)
  BACKUP_NOTIFY_TIMEOUT_SECONDS = 10;

  @Doc('Notifications', "Dead-man's-switch URL (healthchecks.io, Uptime Kuma, …) called after every successful backup. Unset: no heartbeat.")
  @Secret()
  @IsOptional()
  @IsUrlWithProtocol(['http', 'https'])
  BACKUP_HEARTBEAT_URL?: string;

  @Doc('Notifications', 'HTTP method of the heartbeat: `GET`, or `POST` with the backup event as JSON body.')
  @IsIn(HEARTBEAT_METHODS)
  BACKUP_HEARTBEAT_METHOD: (typeof HEARTBEAT_METHODS)[number] = 'GET';

  @Doc('Monitoring', 'Alert when a backup type that is scheduled or was ever attempted has no successful backup for this many hours. 0 disables.')
  @IntFromEnv()
  @IsInt()
  @Min(0)
  @Max(8760)
  BACKUP_ALERT_MAX_AGE_HOURS = 26;

  @Doc('Monitoring', 'Alert when the newest backup of a type differs in size by more than this percentage from the median of the ones before it. 0 disables.')
  @IntFromEnv()
  @IsInt()
  @Min(0)
  @Max(10000)
  BACKUP_ALERT_SIZE_CHANGE_PCT = 50;

  @Doc('Monitoring', 'Alert when a storage target is more than this percentage full. 0 disables.')
  @IntFromEnv()
  @IsInt()
  @Min(0)
  @Max(100)
  BACKUP_ALERT_STORAGE_PCT = 90;

  @Doc('Monitoring', 'Minutes between two alert evaluations (a job on the notify queue). 0 turns the evaluation off.')
  @IntFromEnv()
  @IsInt()
  @Min(0)
  @Max(1440)
  BACKUP_ALERT_INTERVAL_MINUTES = 10;

  @Doc(
    'Monitoring',
    'Optional bearer token for `GET /metrics`, so a Prometheus scraper does not need the admin key (which is accepted too). At least 16 characters.',
  )
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_METRICS_TOKEN?: string;

  @Doc('Restore', 'Days a pre-restore backup is protected from retention.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  BACKUP_PRE_RESTORE_KEEP_DAYS = 7;

  @Doc('Restore', 'Seconds a restore confirmation token stays valid.')
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(3600)
  BACKUP_RESTORE_CONFIRM_TTL_SECONDS = 300;

  @Doc(
    'Restore',
    'Seconds a statement of the restore swap (renaming the live and the restored database) waits for a lock another session holds on them before the swap gives up and puts the live database back.',
  )
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(3600)
  BACKUP_SWAP_LOCK_TIMEOUT_SECONDS = 30;

  @Doc(
    'Restore',
    'Seconds between checks, by each worker, for a restore swap a dead run left unfinished (also checked when a worker starts and before every backup and restore of the database).',
  )
  @IntFromEnv()
  @IsInt()
  @Min(1)
  @Max(86400)
  BACKUP_RECOVERY_INTERVAL_SECONDS = 60;

  @Doc('Restore', 'Cron expression (in BACKUP_CRON_TIMEZONE) to verify the newest database backup automatically. Unset: verification only on request.')
  @IsOptional()
  @IsCron()
  BACKUP_VERIFY_CRON?: string;

  @Doc(
    'Restore',
    'What a scheduled verification does: `checksum` (decrypt and compare the SHA-256) or `restore-test` (also load it into a temporary database).',
  )
  @IsIn(['checksum', 'restore-test'])
  BACKUP_VERIFY_MODE: 'checksum' | 'restore-test' = 'restore-test';

  @Doc('Restore', 'Server for deep verification (restore tests); unset: a temporary database on the server of DATABASE_URL.')
  @IsOptional()
  @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  BACKUP_VERIFY_DATABASE_URL?: string;
}

/** A storage target with its settings: the variables of its kind, read under their unnamed names. */
export interface StorageTargetConfig extends StorageTargetSpec {
  primary: boolean;
  settings: Readonly<Env>;
}

export type Config = Readonly<Env> & {
  /** Primary first, then the replicas; derived by loadConfig (not enumerable, so never printed with the variables). */
  readonly storageTargets: readonly StorageTargetConfig[];
};

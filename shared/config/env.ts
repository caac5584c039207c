import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsTimeZone, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { Doc, IntFromEnv, IsCron, IsCsvOf, IsUrlWithProtocol, Secret } from './env-decorators';

export const STORAGE_KINDS = ['local', 'gdrive', 's3'] as const;
export const PG_MODES = ['auto', 'direct', 'docker'] as const;
export const SCHEDULER_MODES = ['internal', 'external', 'both'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export const QUEUE_CHOICES = ['all', 'backup', 'restore', 'verify', 'prune', 'notify'] as const;
export const HEARTBEAT_METHODS = ['GET', 'POST'] as const;

export type StorageKind = (typeof STORAGE_KINDS)[number];
export type PgMode = (typeof PG_MODES)[number];
export type SchedulerMode = (typeof SCHEDULER_MODES)[number];

const POSTGRES_PROTOCOLS = ['postgres', 'postgresql'];

/**
 * Every environment variable the services read, with its default and its
 * documentation (`@Doc`), from which `.env.example` and the README table are generated.
 */
export class Env {
  @Doc('Processes', 'HTTP port of the API.')
  @IntFromEnv() @IsInt() @Min(1) @Max(65535)
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
  @IntFromEnv() @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 1;

  @Doc('Connections', 'Redis for the BullMQ queues and locks (`redis://` or `rediss://`).')
  @IsUrlWithProtocol(['redis', 'rediss'])
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Doc('Connections', 'Prefix of every BullMQ key, so several installations can share one Redis.')
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'may contain only letters, digits, "_" and "-"' })
  BACKUP_QUEUE_PREFIX = 'kanbu-backup';

  @Doc('Connections', 'PostgreSQL database of the backup catalog (backups, copies, schedules, executions). Created by `npm run migrate` if missing.')
  @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  CATALOG_DATABASE_URL: string;

  @Doc('Connections', 'The Kanbu database to back up (user, password, host, port, database and `sslmode` are taken from it).')
  @IsOptional() @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  DATABASE_URL?: string;

  @Doc('Access', 'Bearer key of the admin API, and the Basic-auth password of Bull Board. At least 16 characters.')
  @Secret() @IsString() @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_ADMIN_API_KEY: string;

  @Doc('Access', 'Bearer key of `POST /api/backup/trigger`; required when BACKUP_SCHEDULER_MODE is `external` or `both`.')
  @Secret()
  @ValidateIf((env: Env) => env.BACKUP_SCHEDULER_MODE !== 'internal' || env.BACKUP_TRIGGER_API_KEY !== undefined)
  @IsString() @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_TRIGGER_API_KEY?: string;

  @Doc('Scheduling', '`internal`: schedules run inside the workers; `external`: only the trigger endpoint; `both`.')
  @IsIn(SCHEDULER_MODES)
  BACKUP_SCHEDULER_MODE: SchedulerMode = 'internal';

  @Doc('Scheduling', 'Default IANA time zone of cron schedules.')
  @IsTimeZone({ message: 'must be an IANA time zone such as UTC or Europe/Amsterdam' })
  BACKUP_CRON_TIMEZONE = 'UTC';

  @Doc('Scheduling', 'Days to keep backups that belong to no schedule, and of schedules that set no `retentionDays`.')
  @IntFromEnv() @IsInt() @Min(1)
  BACKUP_RETENTION_DAYS = 30;

  @Doc('Scheduling', 'Seconds between checks by each worker that the BullMQ job schedulers still mirror the catalog (they are also reconciled at start and on every change).')
  @IntFromEnv() @IsInt() @Min(1) @Max(86400)
  BACKUP_SCHEDULER_RECONCILE_SECONDS = 300;

  @Doc('Scheduling', 'Seconds a resource lock (e.g. on the database being backed up) lives without renewal; a crashed worker\'s lock expires after this. Renewed every third of it while the job runs.')
  @IntFromEnv() @IsInt() @Min(2) @Max(3600)
  BACKUP_LOCK_TTL_SECONDS = 60;

  @Doc('Scheduling', 'Seconds a job waits (delayed, not failed) before trying again to take a lock another job holds.')
  @IntFromEnv() @IsInt() @Min(1) @Max(3600)
  BACKUP_LOCK_RETRY_SECONDS = 10;

  @Doc('Sources', '`direct` (pg_dump over the network), `docker` (docker exec into the Postgres container) or `auto`.')
  @IsIn(PG_MODES)
  BACKUP_PG_MODE: PgMode = 'auto';

  @Doc('Sources', 'Docker mode: name or id of the Postgres container.')
  @IsOptional() @IsString()
  POSTGRES_CONTAINER?: string;

  @Doc('Sources', 'Docker mode: container-name pattern tried when no container is named or labelled.')
  @IsString() @IsNotEmpty()
  POSTGRES_CONTAINER_PATTERN = 'postgres';

  @Doc('Sources', 'Directory of the Kanbu code base for source backups.')
  @IsString() @IsNotEmpty()
  KANBU_SOURCE_PATH = '/app';

  @Doc('Storage', 'Primary storage target: `local`, `gdrive` or `s3`.')
  @IsIn(STORAGE_KINDS)
  BACKUP_STORAGE: StorageKind = 'local';

  @Doc('Storage', 'Directory of the `local` target.')
  @IsString() @IsNotEmpty()
  BACKUP_LOCAL_PATH = '/data/backups';

  @Doc('Storage', 'Mounted Google Drive directory (rclone mount) of the `gdrive` target.')
  @ValidateIf((env: Env) => env.BACKUP_STORAGE === 'gdrive') @IsString() @IsNotEmpty()
  BACKUP_GDRIVE_PATH = '/mnt/gdrive/kanbu-backups';

  @Doc('Pipeline', 'Encrypts new backups: 64 hex characters (a raw 256-bit key) or a passphrase (PBKDF2-SHA256). Unset: backups are not encrypted.')
  @Secret() @IsOptional() @IsString() @MinLength(8, { message: 'must be at least 8 characters long (or 64 hex characters)' })
  BACKUP_ENCRYPTION_KEY?: string;

  @Doc('Pipeline', 'Comma-separated previous keys, used only to decrypt older backups after a key rotation.')
  @Secret() @IsOptional() @IsString()
  BACKUP_ENCRYPTION_OLD_KEYS?: string;

  @Doc('Pipeline', 'gzip level, 1 (fastest) to 9 (smallest).')
  @IntFromEnv() @IsInt() @Min(1) @Max(9)
  BACKUP_COMPRESSION_LEVEL = 6;

  @Doc('Pipeline', 'Attempts per job for transient failures (exponential backoff from 30 s).')
  @IntFromEnv() @IsInt() @Min(1) @Max(20)
  BACKUP_JOB_ATTEMPTS = 3;

  @Doc('Pipeline', 'Seconds a running job holds its queue lock between renewals; a crashed worker\'s job is noticed after about this long.')
  @IntFromEnv() @IsInt() @Min(2) @Max(600)
  BACKUP_JOB_LOCK_SECONDS = 60;

  @Doc('Notifications', 'SMTP server for e-mail notifications, e.g. `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. Unset: no e-mail.')
  @Secret() @IsOptional() @IsUrlWithProtocol(['smtp', 'smtps'])
  SMTP_URL?: string;

  @Doc('Notifications', 'Sender of notification e-mails, e.g. `Kanbu Backup <backup@example.com>`.')
  @IsString() @IsNotEmpty()
  SMTP_FROM = 'Kanbu Backup <kanbu-backup@localhost>';

  @Doc('Notifications', 'Seconds one notification attempt (HTTP request or SMTP session) may take before it counts as failed and is retried.')
  @IntFromEnv() @IsInt() @Min(1) @Max(120)
  BACKUP_NOTIFY_TIMEOUT_SECONDS = 10;

  @Doc('Notifications', 'Dead-man\'s-switch URL (healthchecks.io, Uptime Kuma, …) called after every successful backup. Unset: no heartbeat.')
  @Secret() @IsOptional() @IsUrlWithProtocol(['http', 'https'])
  BACKUP_HEARTBEAT_URL?: string;

  @Doc('Notifications', 'HTTP method of the heartbeat: `GET`, or `POST` with the backup event as JSON body.')
  @IsIn(HEARTBEAT_METHODS)
  BACKUP_HEARTBEAT_METHOD: (typeof HEARTBEAT_METHODS)[number] = 'GET';

  @Doc('Monitoring', 'Alert when a backup type that is scheduled or was ever attempted has no successful backup for this many hours. 0 disables.')
  @IntFromEnv() @IsInt() @Min(0) @Max(8760)
  BACKUP_ALERT_MAX_AGE_HOURS = 26;

  @Doc('Monitoring', 'Alert when the newest backup of a type differs in size by more than this percentage from the median of the ones before it. 0 disables.')
  @IntFromEnv() @IsInt() @Min(0) @Max(10000)
  BACKUP_ALERT_SIZE_CHANGE_PCT = 50;

  @Doc('Monitoring', 'Alert when a storage target is more than this percentage full. 0 disables.')
  @IntFromEnv() @IsInt() @Min(0) @Max(100)
  BACKUP_ALERT_STORAGE_PCT = 90;

  @Doc('Monitoring', 'Minutes between two alert evaluations (a job on the notify queue). 0 turns the evaluation off.')
  @IntFromEnv() @IsInt() @Min(0) @Max(1440)
  BACKUP_ALERT_INTERVAL_MINUTES = 10;

  @Doc('Monitoring', 'Optional bearer token for `GET /metrics`, so a Prometheus scraper does not need the admin key (which is accepted too). At least 16 characters.')
  @Secret() @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_METRICS_TOKEN?: string;

  @Doc('Restore', 'Days a pre-restore backup is protected from retention.')
  @IntFromEnv() @IsInt() @Min(1)
  BACKUP_PRE_RESTORE_KEEP_DAYS = 7;

  @Doc('Restore', 'Seconds a restore confirmation token stays valid.')
  @IntFromEnv() @IsInt() @Min(1) @Max(3600)
  BACKUP_RESTORE_CONFIRM_TTL_SECONDS = 300;

  @Doc('Restore', 'Cron expression (in BACKUP_CRON_TIMEZONE) to verify the newest database backup automatically. Unset: verification only on request.')
  @IsOptional() @IsCron()
  BACKUP_VERIFY_CRON?: string;

  @Doc('Restore', 'What a scheduled verification does: `checksum` (decrypt and compare the SHA-256) or `restore-test` (also load it into a temporary database).')
  @IsIn(['checksum', 'restore-test'])
  BACKUP_VERIFY_MODE: 'checksum' | 'restore-test' = 'restore-test';

  @Doc('Restore', 'Server for deep verification (restore tests); unset: a temporary database on the server of DATABASE_URL.')
  @IsOptional() @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  BACKUP_VERIFY_DATABASE_URL?: string;
}

export type Config = Readonly<Env>;

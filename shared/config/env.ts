import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsTimeZone, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { COMPRESSIONS, Compression } from '../domain/types';
import { Doc, IntFromEnv, IsCsvOf, IsUrlWithProtocol, Secret } from './env-decorators';

export const STORAGE_KINDS = ['local', 'gdrive', 's3'] as const;
export const PG_MODES = ['auto', 'direct', 'docker'] as const;
export const SCHEDULER_MODES = ['internal', 'external', 'both'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export const QUEUE_CHOICES = ['all', 'backup', 'restore', 'verify', 'prune', 'notify'] as const;

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

  @Doc('Scheduling', 'Days to keep backups that belong to no schedule.')
  @IntFromEnv() @IsInt() @Min(1)
  BACKUP_RETENTION_DAYS = 30;

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

  @Doc('Sources', 'Source backups: extra comma-separated exclusions on top of the defaults (`node_modules/`, `.git/`, `dist/`, `.next/`, `.turbo/`, `coverage/`, `*.log`, `.env.local`). `name/` is a directory at any depth, `*.tmp` a name at any depth, `docs/private` a path from the root.')
  @IsOptional() @IsString()
  BACKUP_SOURCE_EXCLUDE = '';

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

  @Doc('Pipeline', '`gzip` (parallel, readable by plain `gunzip`) or `zstd` (needs the `zstd` binary; `.zst` files).')
  @IsIn(COMPRESSIONS)
  BACKUP_COMPRESSION: Compression = 'gzip';

  @Doc('Pipeline', 'Compression level, 1 (fastest) to 9 (smallest); the same number is used for zstd.')
  @IntFromEnv() @IsInt() @Min(1) @Max(9)
  BACKUP_COMPRESSION_LEVEL = 6;

  @Doc('Pipeline', 'Blocks compressed in parallel (gzip) or zstd threads; `0` = one per CPU core.')
  @IntFromEnv() @IsInt() @Min(0) @Max(64)
  BACKUP_COMPRESSION_THREADS = 0;

  @Doc('Pipeline', 'Attempts per job for transient failures (exponential backoff from 30 s).')
  @IntFromEnv() @IsInt() @Min(1) @Max(20)
  BACKUP_JOB_ATTEMPTS = 3;
}

export type Config = Readonly<Env>;

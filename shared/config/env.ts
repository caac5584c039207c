import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsTimeZone, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IntFromEnv, IsCsvOf, IsUrlWithProtocol, Secret } from './env-decorators';

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
 * Every environment variable the services read, with its default.
 * `.env.example` and the README's configuration table list the same variables.
 */
export class Env {
  // --- Processes -------------------------------------------------------------
  @IntFromEnv() @IsInt() @Min(1) @Max(65535)
  PORT = 3000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  @IsIn(['text', 'json'])
  LOG_FORMAT: 'text' | 'json' = 'text';

  @IsCsvOf(QUEUE_CHOICES)
  WORKER_QUEUES = 'all';

  @IntFromEnv() @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 1;

  // --- Connections -----------------------------------------------------------
  @IsUrlWithProtocol(['redis', 'rediss'])
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespaces every BullMQ key, so several installations (or test runs) can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'may contain only letters, digits, "_" and "-"' })
  BACKUP_QUEUE_PREFIX = 'kanbu-backup';

  @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  CATALOG_DATABASE_URL: string;

  /** The Kanbu database to back up. Optional: docker mode finds the database through Docker. */
  @IsOptional() @IsUrlWithProtocol(POSTGRES_PROTOCOLS)
  DATABASE_URL?: string;

  // --- Access ----------------------------------------------------------------
  @Secret() @IsString() @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_ADMIN_API_KEY: string;

  /** Required when the trigger endpoint is on (BACKUP_SCHEDULER_MODE external or both). */
  @Secret()
  @ValidateIf((env: Env) => env.BACKUP_SCHEDULER_MODE !== 'internal' || env.BACKUP_TRIGGER_API_KEY !== undefined)
  @IsString() @MinLength(16, { message: 'must be at least 16 characters long' })
  BACKUP_TRIGGER_API_KEY?: string;

  // --- Scheduling ------------------------------------------------------------
  @IsIn(SCHEDULER_MODES)
  BACKUP_SCHEDULER_MODE: SchedulerMode = 'internal';

  @IsTimeZone({ message: 'must be an IANA time zone such as UTC or Europe/Amsterdam' })
  BACKUP_CRON_TIMEZONE = 'UTC';

  @IntFromEnv() @IsInt() @Min(1)
  BACKUP_RETENTION_DAYS = 30;

  // --- Sources ---------------------------------------------------------------
  @IsIn(PG_MODES)
  BACKUP_PG_MODE: PgMode = 'auto';

  @IsOptional() @IsString()
  POSTGRES_CONTAINER?: string;

  @IsString() @IsNotEmpty()
  POSTGRES_CONTAINER_PATTERN = 'postgres';

  @IsString() @IsNotEmpty()
  KANBU_SOURCE_PATH = '/app';

  // --- Storage ---------------------------------------------------------------
  @IsIn(STORAGE_KINDS)
  BACKUP_STORAGE: StorageKind = 'local';

  @IsString() @IsNotEmpty()
  BACKUP_LOCAL_PATH = '/data/backups';

  @ValidateIf((env: Env) => env.BACKUP_STORAGE === 'gdrive') @IsString() @IsNotEmpty()
  BACKUP_GDRIVE_PATH = '/mnt/gdrive/kanbu-backups';

  // --- Pipeline --------------------------------------------------------------
  /** A 64-hex-character key, or a passphrase (stretched with PBKDF2-SHA256). Unset: no encryption. */
  @Secret() @IsOptional() @IsString() @MinLength(8, { message: 'must be at least 8 characters long (or 64 hex characters)' })
  BACKUP_ENCRYPTION_KEY?: string;

  /** Comma-separated previous keys, still used to decrypt older backups. */
  @Secret() @IsOptional() @IsString()
  BACKUP_ENCRYPTION_OLD_KEYS?: string;

  @IntFromEnv() @IsInt() @Min(1) @Max(9)
  BACKUP_COMPRESSION_LEVEL = 6;

  @IntFromEnv() @IsInt() @Min(1) @Max(20)
  BACKUP_JOB_ATTEMPTS = 3;
}

export type Config = Readonly<Env>;

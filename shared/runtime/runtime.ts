import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createCatalogDataSource } from '../catalog/data-source';
import {
  AlertRepository,
  AuditRepository,
  BackupCopyRepository,
  BackupRepository,
  CatalogStatsRepository,
  ExecutionRepository,
  NotificationDeliveryRepository,
  NotificationSettingsRepository,
  RestoreJournalRepository,
  ScheduleRepository,
} from '../catalog/repositories';
import { KeyRing } from '../engine/crypto/key-ring';
import { createSourceFactory, SourceFactory } from '../engine/sources/source-factory';
import { createStorageTargets } from '../engine/storage/storage-factory';
import type { StorageBackend } from '../engine/storage/storage-backend';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { BackupReader } from '../jobs/backup-reader';
import { RestoreConfirmations } from '../jobs/restore/confirmation-tokens';
import { EnqueueDeps } from '../queue/enqueue';
import { JobEventLog } from '../queue/job-events';
import { QueueRegistry } from '../queue/queue-registry';
import { createRedisConnection } from '../queue/redis-connection';
import { ResourceLocks } from '../queue/locks';
import { ScheduleMirror } from '../queue/schedule-mirror';
import { createLogger } from '../logging';
import { NotificationDispatcher } from '../notify/notification-dispatcher';

/**
 * Everything a process (API, worker, CLI, test) needs, built once from the
 * config: connections, repositories, storage, keys. The composition root.
 */
export interface Runtime {
  config: Config;
  dataSource: DataSource;
  redis: Redis;
  queues: QueueRegistry;
  backups: BackupRepository;
  copies: BackupCopyRepository;
  executions: ExecutionRepository;
  /** The restore swap's journal. */
  journal: RestoreJournalRepository;
  /** The primary target (`targets.primary`). */
  storage: StorageBackend;
  /** The primary and every replica (BACKUP_STORAGE, BACKUP_REPLICAS). */
  targets: StorageTargets;
  reader: BackupReader;
  keys: KeyRing;
  sources: SourceFactory;
  enqueueDeps: EnqueueDeps;
  schedules: ScheduleRepository;
  locks: ResourceLocks;
  scheduleMirror: ScheduleMirror;
  /** Every storage target, primary first: what health, metrics and storage alerts look at. */
  storageTargets: readonly StorageBackend[];
  notificationSettings: NotificationSettingsRepository;
  deliveries: NotificationDeliveryRepository;
  alerts: AlertRepository;
  stats: CatalogStatsRepository;
  /** Queues notification events on the configured channels. */
  notifications: NotificationDispatcher;
  confirmations: RestoreConfirmations;
  /** Mutating API requests and sign-ins (GET /api/audit). */
  audit: AuditRepository;
  /** Starts, progress and outcomes of jobs, for GET /api/events. */
  events: JobEventLog;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, role: 'api' | 'worker'): Promise<Runtime> {
  const dataSource = createCatalogDataSource({ url: config.CATALOG_DATABASE_URL });
  // Redis connects while the catalog does: both are fixed costs of every CLI run.
  const redis = createRedisConnection(config.REDIS_URL, role);
  try {
    await dataSource.initialize();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const queues = new QueueRegistry(redis, config.BACKUP_QUEUE_PREFIX);
  const executions = new ExecutionRepository(dataSource);
  const schedules = new ScheduleRepository(dataSource);
  const locks = new ResourceLocks(redis, config.BACKUP_QUEUE_PREFIX, config.BACKUP_LOCK_TTL_SECONDS * 1000);
  const enqueueDeps: EnqueueDeps = { queues, executions, attempts: config.BACKUP_JOB_ATTEMPTS };
  const notificationSettings = new NotificationSettingsRepository(dataSource);
  const targets = createStorageTargets(config);
  const copies = new BackupCopyRepository(dataSource);
  const keys = KeyRing.fromConfig(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_OLD_KEYS);
  return {
    config,
    dataSource,
    redis,
    queues,
    backups: new BackupRepository(dataSource),
    copies,
    executions,
    journal: new RestoreJournalRepository(dataSource),
    storage: targets.primary,
    targets,
    reader: new BackupReader(targets, { keys, copies }),
    keys,
    sources: createSourceFactory(config),
    schedules,
    locks,
    scheduleMirror: new ScheduleMirror({ schedules, queue: queues.get('backup'), locks, config, logger: createLogger('Scheduler') }),
    enqueueDeps,
    storageTargets: targets.all,
    notificationSettings,
    deliveries: new NotificationDeliveryRepository(dataSource),
    alerts: new AlertRepository(dataSource),
    stats: new CatalogStatsRepository(dataSource),
    notifications: new NotificationDispatcher({ enqueueDeps, settings: notificationSettings, config }),
    confirmations: new RestoreConfirmations(redis, config.BACKUP_QUEUE_PREFIX, config.BACKUP_RESTORE_CONFIRM_TTL_SECONDS),
    audit: new AuditRepository(dataSource),
    events: new JobEventLog(redis, config.BACKUP_QUEUE_PREFIX),
    async close() {
      await queues.close();
      redis.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

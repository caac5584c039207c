import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createCatalogDataSource } from '../catalog/data-source';
import { BackupCopyRepository, BackupRepository, ExecutionRepository } from '../catalog/repositories';
import { KeyRing } from '../engine/crypto/key-ring';
import { createSourceFactory, SourceFactory } from '../engine/sources/source-factory';
import { createStorage } from '../engine/storage/storage-factory';
import type { StorageBackend } from '../engine/storage/storage-backend';
import { BackupReader } from '../jobs/backup-reader';
import { RestoreConfirmations } from '../jobs/restore/confirmation-tokens';
import { EnqueueDeps } from '../queue/enqueue';
import { QueueRegistry } from '../queue/queue-registry';
import { createRedisConnection } from '../queue/redis-connection';

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
  storage: StorageBackend;
  reader: BackupReader;
  keys: KeyRing;
  sources: SourceFactory;
  enqueueDeps: EnqueueDeps;
  confirmations: RestoreConfirmations;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, role: 'api' | 'worker'): Promise<Runtime> {
  const dataSource = createCatalogDataSource({ url: config.CATALOG_DATABASE_URL });
  await dataSource.initialize();
  const redis = createRedisConnection(config.REDIS_URL, role);
  const queues = new QueueRegistry(redis, config.BACKUP_QUEUE_PREFIX);
  const executions = new ExecutionRepository(dataSource);
  const storage = createStorage(config);
  return {
    config,
    dataSource,
    redis,
    queues,
    backups: new BackupRepository(dataSource),
    copies: new BackupCopyRepository(dataSource),
    executions,
    storage,
    reader: new BackupReader(storage),
    keys: KeyRing.fromConfig(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_OLD_KEYS),
    sources: createSourceFactory(config),
    enqueueDeps: { queues, executions, attempts: config.BACKUP_JOB_ATTEMPTS },
    confirmations: new RestoreConfirmations(redis, config.BACKUP_QUEUE_PREFIX, config.BACKUP_RESTORE_CONFIRM_TTL_SECONDS),
    async close() {
      await queues.close();
      redis.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

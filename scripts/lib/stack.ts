import type { Worker } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../services/api/app';
import { createOutcomeListeners } from '../../services/worker/notification-listener';
import { startWorkers } from '../../services/worker/worker-pool';
import { Config, loadConfig } from '../../shared/config';
import { configureLogging } from '../../shared/logging';
import type { QueueName } from '../../shared/queue/queue-names';
import { createRuntime, Runtime } from '../../shared/runtime/runtime';
import { createTestCatalog } from './catalog';
import { REDIS_URL, uniqueName } from './services';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TRIGGER_KEY = 'test-trigger-key-0123456789abcdef';

export interface TestStack {
  config: Config;
  runtime: Runtime;
  baseUrl: string;
  backupDir: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Queues consumed by in-process workers; none by default. */
  workerQueues?: QueueName[];
  /** `api` connections fail fast when Redis is away; `worker` ones wait for it. */
  role?: 'api' | 'worker';
}

/** The environment a test process of ours would get: fresh catalog, queue prefix and backup directory. */
export async function testEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const backupDir = await mkdtemp(join(tmpdir(), 'kbt-backups-'));
  return {
    CATALOG_DATABASE_URL: await createTestCatalog(),
    REDIS_URL,
    BACKUP_QUEUE_PREFIX: uniqueName('kbt'),
    BACKUP_LOCAL_PATH: backupDir,
    BACKUP_ADMIN_API_KEY: ADMIN_KEY,
    BACKUP_TRIGGER_API_KEY: TRIGGER_KEY,
    BACKUP_JOB_ATTEMPTS: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...extra,
  };
}

/** Removes every Redis key of a queue prefix. */
export async function clearQueuePrefix(runtime: Runtime): Promise<void> {
  const pattern = `${runtime.config.BACKUP_QUEUE_PREFIX}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await runtime.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length) await runtime.redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** API (on an ephemeral port) and optionally workers, in this process, against the real services. */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const env = await testEnv(options.env);
  const config = loadConfig(env);
  configureLogging({ level: config.LOG_LEVEL, format: 'text' });
  const runtime = await createRuntime(config, options.role ?? 'worker');
  const server: Server = await new Promise((resolve) => {
    const s = createApp(runtime).listen(0, '127.0.0.1', () => resolve(s));
  });
  const workers: Worker[] = options.workerQueues ? startWorkers(runtime, options.workerQueues, createOutcomeListeners(runtime)) : [];
  const { port } = server.address() as AddressInfo;
  return {
    config,
    runtime,
    env,
    backupDir: env.BACKUP_LOCAL_PATH,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await clearQueuePrefix(runtime).catch(() => undefined);
      await runtime.close();
      await rm(env.BACKUP_LOCAL_PATH, { recursive: true, force: true });
    },
  };
}

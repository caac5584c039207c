import { Config, loadConfig, loadPartialConfig } from '../../shared/config';
import { AppError, ErrorCode } from '../../shared/errors';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { configureLogging } from '../../shared/logging';
import type { ResourceLocks } from '../../shared/queue/locks';
import { redisReady } from '../../shared/queue/redis-connection';
import { createRuntime, Runtime } from '../../shared/runtime/runtime';

/** Log lines go to stderr, and only with --verbose (or LOG_LEVEL) so that output stays clean. */
export function configureCliLogging(verbose: boolean): void {
  const level = verbose ? 'info' : (process.env.LOG_LEVEL ?? 'error');
  configureLogging({ level, format: process.env.LOG_FORMAT === 'json' ? 'json' : 'text', stderrOnly: true, silent: !verbose && !process.env.LOG_LEVEL });
}

export function cliConfig(): Config {
  return loadConfig(process.env);
}

/** Only the keys: `decrypt` and `verify <file>` must work on a machine where nothing else is configured. */
export function cliKeyRing(): KeyRing {
  const config = loadPartialConfig(['BACKUP_ENCRYPTION_KEY', 'BACKUP_ENCRYPTION_OLD_KEYS'], process.env);
  return KeyRing.fromConfig(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_OLD_KEYS);
}

const REDIS_READY_TIMEOUT_MS = 10_000;

/** The resource locks, once Redis answers: the CLI's connection refuses commands until then instead of queueing them. */
export async function readyLocks(runtime: Runtime): Promise<ResourceLocks> {
  await redisReady(runtime.redis, REDIS_READY_TIMEOUT_MS);
  return runtime.locks;
}

/** A backup or restore of the same database (or directory) holds its lock: refuse rather than overlap (exit 75). */
export function lockedError(resource: string, hint?: string): AppError {
  return new AppError(
    ErrorCode.ResourceLocked,
    `${resource} is locked: a backup or restore of it is running; try again when it is done${hint ? `, ${hint}` : ''}`,
    { retryable: true },
  );
}

/** Builds the runtime, runs `fn`, and always closes the connections. */
export async function withRuntime<T>(config: Config, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, 'api');
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

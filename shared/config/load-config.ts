import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorCode } from '../errors';
import { redact, registerSecret } from '../logging/redact';
import { isSecretKey } from './env-decorators';
import { Config, Env } from './env';

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super(ErrorCode.InvalidConfig, `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function envKeys(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(Env, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).map((m) => m.replace(new RegExp(`^${error.property} `), ''));
  const key = error.property;
  const raw = error.value;
  const shown = isSecretKey(key) || raw === undefined ? '' : ` (got "${redact(String(raw))}")`;
  const missing = raw === undefined ? ' is required;' : '';
  return `${key}${missing} ${reasons.join('; ')}${shown}`;
}

function readEnv(source: NodeJS.ProcessEnv): { env: Env; errors: ValidationError[] } {
  const plain: Record<string, string> = {};
  for (const key of envKeys()) {
    const value = source[key];
    if (value !== undefined && value.trim() !== '') plain[key] = value.trim();
  }
  const env = plainToInstance(Env, plain);
  const errors = validateSync(env, { forbidUnknownValues: true });
  for (const key of envKeys().filter(isSecretKey)) {
    const value = (env as unknown as Record<string, string | undefined>)[key];
    registerSecret(value);
    for (const part of value?.split(',') ?? []) registerSecret(part.trim());
  }
  return { env, errors };
}

/**
 * Reads, converts and validates the environment once. Empty strings count as unset,
 * so `FOO=` in a compose file falls back to the default. Secrets are registered for
 * redaction before anything could log them.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const { env, errors } = readEnv(source);
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  return Object.freeze(env);
}

/**
 * The same reading and validation, judged only on `keys`: for tools that must
 * work with almost nothing configured, such as `kanbu-backup decrypt` during a
 * disaster recovery, which needs only the encryption keys.
 */
export function loadPartialConfig<K extends keyof Env>(keys: readonly K[], source: NodeJS.ProcessEnv = process.env): Readonly<Pick<Env, K>> {
  const { env, errors } = readEnv(source);
  const relevant = errors.filter((e) => (keys as readonly string[]).includes(e.property));
  if (relevant.length > 0) throw new ConfigError(relevant.map(describe));
  return Object.freeze(env);
}

/** For `main` files: a bad configuration prints what is wrong and stops the process. */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorCode } from '../errors';
import { redact, registerSecret } from '../logging/redact';
import { isSecretKey } from './env-decorators';
import { Config, Env, StorageTargetConfig } from './env';
import { kindPrefix, parseReplicaList, parseTargetSpec, StorageTargetSpec, targetVariable } from './storage-target-spec';

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

/** `shownKey` names the variable the user set when it differs from the property (named storage targets). */
function describe(error: ValidationError, shownKey = error.property): string {
  const reasons = Object.values(error.constraints ?? {}).map((m) => m.replace(new RegExp(`^${error.property} `), ''));
  const raw = error.value;
  const shown = isSecretKey(error.property) || raw === undefined ? '' : ` (got "${redact(String(raw))}")`;
  const missing = raw === undefined ? ' is required;' : '';
  return `${shownKey}${missing} ${reasons.join('; ')}${shown}`;
}

function readEnv(source: NodeJS.ProcessEnv, keys: string[], rename: (key: string) => string = (key) => key): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const key of keys) {
    const value = source[rename(key)];
    if (value !== undefined && value.trim() !== '') plain[key] = value.trim();
  }
  return plain;
}

function registerSecrets(env: Env, keys: string[]): void {
  for (const key of keys.filter(isSecretKey)) {
    const value = (env as unknown as Record<string, string | undefined>)[key];
    registerSecret(value);
    for (const part of value?.split(',') ?? []) registerSecret(part.trim());
  }
}

/** Named directory targets must say where they are: the unnamed default would make two "copies" one file. */
const LOCATION_KEYS: Record<string, string> = { local: 'BACKUP_LOCAL_PATH', gdrive: 'BACKUP_GDRIVE_PATH' };

/**
 * A named target (`s3:us`) is validated by the same rules as its kind's unnamed
 * variables, read from its own names (`BACKUP_S3_US_*`), with no inheritance.
 */
function loadNamedTarget(source: NodeJS.ProcessEnv, spec: StorageTargetSpec): { settings: Env; problems: string[] } {
  const keys = envKeys().filter((key) => key.startsWith(kindPrefix(spec.kind)));
  const rename = (key: string) => targetVariable(spec, key);
  const plain: Record<string, string> = { ...readEnv(source, keys, rename), BACKUP_STORAGE: spec.kind };
  const settings = plainToInstance(Env, plain);
  registerSecrets(settings, keys);
  const problems = validateSync(settings, { forbidUnknownValues: true })
    .filter((error) => keys.includes(error.property))
    .map((error) => describe(error, rename(error.property)));
  const locationKey = LOCATION_KEYS[spec.kind];
  if (locationKey && plain[locationKey] === undefined) problems.push(`${rename(locationKey)} is required for the storage target ${spec.target}`);
  return { settings, problems };
}

function resolveStorageTargets(env: Env, source: NodeJS.ProcessEnv): { targets: StorageTargetConfig[]; problems: string[] } {
  const specs = [parseTargetSpec(env.BACKUP_STORAGE)!, ...parseReplicaList(env.BACKUP_REPLICAS, env.BACKUP_STORAGE)];
  const problems: string[] = [];
  const targets = specs.map((spec, index) => {
    if (!spec.label) return { ...spec, primary: index === 0, settings: env };
    const named = loadNamedTarget(source, spec);
    problems.push(...named.problems);
    return { ...spec, primary: index === 0, settings: named.settings };
  });
  return { targets, problems: [...problems, ...sharedLocations(targets)] };
}

function locationOf(target: StorageTargetConfig): string {
  const s = target.settings;
  if (target.kind === 's3') return `s3 ${s.BACKUP_S3_ENDPOINT ?? 'aws'} ${s.BACKUP_S3_BUCKET}/${(s.BACKUP_S3_PREFIX ?? '').replace(/\/$/, '')}`;
  return `dir ${(target.kind === 'local' ? s.BACKUP_LOCAL_PATH : s.BACKUP_GDRIVE_PATH).replace(/\/+$/, '')}`;
}

/** Two targets in one place are one copy, not two: refuse that instead of pretending to replicate. */
function sharedLocations(targets: StorageTargetConfig[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const target of targets) {
    const location = locationOf(target);
    const other = seen.get(location);
    if (other) problems.push(`BACKUP_REPLICAS: ${target.target} is in the same place as ${other}; a copy must live somewhere else`);
    seen.set(location, target.target);
  }
  return problems;
}

/**
 * Reads, converts and validates the environment once. Empty strings count as unset,
 * so `FOO=` in a compose file falls back to the default. Secrets are registered for
 * redaction before anything could log them.
 */
function parseEnv(source: NodeJS.ProcessEnv): { env: Env; errors: ValidationError[] } {
  const env = plainToInstance(Env, readEnv(source, envKeys()));
  const errors = validateSync(env, { forbidUnknownValues: true });
  registerSecrets(env, envKeys());
  // Read by the AWS SDK's default chain, not by us; masked all the same.
  registerSecret(source.AWS_SECRET_ACCESS_KEY);
  registerSecret(source.AWS_SESSION_TOKEN);
  return { env, errors };
}

/** host:port/database of a PostgreSQL URL, to tell whether two URLs name the same database. */
function databaseIdentity(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.hostname.toLowerCase()}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}`;
  } catch {
    return null;
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const { env, errors } = parseEnv(source);
  if (errors.length > 0) throw new ConfigError(errors.map((error) => describe(error)));
  const kanbu = databaseIdentity(env.DATABASE_URL);
  if (kanbu && kanbu === databaseIdentity(env.CATALOG_DATABASE_URL)) {
    // A restore swaps the Kanbu database: it would roll the catalog back to the backup's moment.
    throw new ConfigError([`CATALOG_DATABASE_URL names the Kanbu database itself (${kanbu}); give the catalog a database of its own, e.g. kanbu_backup`]);
  }
  const { targets, problems } = resolveStorageTargets(env, source);
  if (problems.length > 0) throw new ConfigError(problems);
  Object.defineProperty(env, 'storageTargets', { value: Object.freeze(targets), enumerable: false });
  return Object.freeze(env) as Config;
}

/**
 * The same reading and validation, judged only on `keys`: for tools that must
 * work with almost nothing configured, such as `kanbu-backup decrypt` during a
 * disaster recovery, which needs only the encryption keys.
 */
export function loadPartialConfig<K extends keyof Env>(keys: readonly K[], source: NodeJS.ProcessEnv = process.env): Readonly<Pick<Env, K>> {
  const { env, errors } = parseEnv(source);
  const relevant = errors.filter((e) => (keys as readonly string[]).includes(e.property));
  if (relevant.length > 0) throw new ConfigError(relevant.map((error) => describe(error)));
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

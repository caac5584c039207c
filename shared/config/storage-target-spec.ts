import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

export const STORAGE_KINDS = ['local', 'gdrive', 's3'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/**
 * A storage target as written in BACKUP_STORAGE / BACKUP_REPLICAS and recorded in
 * `backup_copy.target`: a kind (`s3`) or a named target of a kind (`s3:us`).
 */
export interface StorageTargetSpec {
  target: string;
  kind: StorageKind;
  /** The `us` of `s3:us`; undefined for the unnamed target of a kind. */
  label?: string;
}

const TARGET_SPEC = /^(local|gdrive|s3)(?::([a-z0-9][a-z0-9-]{0,30}))?$/;

export function parseTargetSpec(text: string): StorageTargetSpec | null {
  const match = TARGET_SPEC.exec(text);
  if (!match) return null;
  return { target: text, kind: match[1] as StorageKind, ...(match[2] ? { label: match[2] } : {}) };
}

/** BACKUP_REPLICAS → targets; throws an Error whose message says what is wrong with the list. */
export function parseReplicaList(list: string | undefined, primary: string): StorageTargetSpec[] {
  const items = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return items.map((item) => {
    const spec = parseTargetSpec(item);
    if (!spec) {
      throw new Error(`"${item}" is not a storage target: use local, gdrive, s3, or kind:name with a name of lowercase letters, digits and "-" (e.g. s3:us)`);
    }
    if (item === primary) throw new Error(`"${item}" is already the primary target (BACKUP_STORAGE)`);
    if (seen.has(item)) throw new Error(`"${item}" is listed twice`);
    seen.add(item);
    return spec;
  });
}

/** Whether the unnamed target of `kind` is used, as primary or replica (its variables are then required). */
export function usesUnnamedTarget(env: { BACKUP_STORAGE: string; BACKUP_REPLICAS?: string }, kind: StorageKind): boolean {
  if (env.BACKUP_STORAGE === kind) return true;
  try {
    return parseReplicaList(env.BACKUP_REPLICAS, env.BACKUP_STORAGE).some((spec) => spec.target === kind);
  } catch {
    return false;
  }
}

/** The variables of a kind all start with this: `BACKUP_S3_`. */
export function kindPrefix(kind: StorageKind): string {
  return `BACKUP_${kind.toUpperCase()}_`;
}

/**
 * The variable a target reads for one of its kind's settings: the unnamed name for
 * `s3`, the name with the target's label inserted for `s3:us`
 * (`BACKUP_S3_BUCKET` → `BACKUP_S3_US_BUCKET`).
 */
export function targetVariable(spec: StorageTargetSpec, unnamedKey: string): string {
  if (!spec.label) return unnamedKey;
  const prefix = kindPrefix(spec.kind);
  return `${prefix}${spec.label.toUpperCase().replace(/-/g, '_')}_${unnamedKey.slice(prefix.length)}`;
}

/** Validates BACKUP_REPLICAS against BACKUP_STORAGE with a message that says what is wrong. */
export function IsReplicaList(options?: ValidationOptions): PropertyDecorator {
  const problem = (args: ValidationArguments): string | null => {
    try {
      parseReplicaList(args.value as string, (args.object as { BACKUP_STORAGE: string }).BACKUP_STORAGE);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  return (target, propertyName) => {
    registerDecorator({
      name: 'isReplicaList',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} is invalid: ${problem(args)}`, ...options },
      validator: { validate: (_value: unknown, args: ValidationArguments) => typeof args.value === 'string' && problem(args) === null },
    });
  };
}

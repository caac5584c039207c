import { Transform } from 'class-transformer';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { compressionLevelProblem } from '../domain/compression-level';
import { COMPRESSIONS, Compression } from '../domain/types';
import { cronProblem } from '../domain/cron-schedule';

const secretKeys = new Set<string>();

/** Marks a variable whose value must never be echoed (in errors, logs or /api/status). */
export function Secret(): PropertyDecorator {
  return (_target, key) => {
    secretKeys.add(String(key));
  };
}

export function isSecretKey(key: string): boolean {
  return secretKeys.has(key);
}

/** Environment strings to integers; anything that is not a plain integer becomes NaN and fails @IsInt. */
export function IntFromEnv(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? (/^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN) : value));
}

/** `true/false/1/0/yes/no` to booleans; anything else stays a string and fails @IsBoolean. */
export function BoolFromEnv(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value;
  });
}

/** A URL whose scheme is one of `protocols` and that has a host. */
export function IsUrlWithProtocol(protocols: string[], options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isUrlWithProtocol',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [protocols],
      options: {
        message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return protocols.includes(url.protocol.replace(/:$/, '')) && url.hostname.length > 0;
          } catch {
            return false;
          }
        },
      },
    });
  };
}

/** A comma-separated list whose every item is in `allowed`. */
export function IsCsvOf(allowed: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isCsvOf',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [allowed],
      options: { message: `must be a comma-separated list of: ${allowed.join(', ')}`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const items = value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          return items.length > 0 && items.every((item) => allowed.includes(item));
        },
      },
    });
  };
}

export interface EnvDoc {
  key: string;
  section: string;
  description: string;
}

const docs: EnvDoc[] = [];

/**
 * Documents a variable. `.env.example` and the README's configuration table are
 * generated from these (`npm run docs:config`), and a test keeps them in sync.
 */
export function Doc(section: string, description: string): PropertyDecorator {
  return (_target, key) => {
    docs.push({ key: String(key), section, description });
  };
}

export function envDocs(): readonly EnvDoc[] {
  return docs;
}

/** A cron expression that cron-parser (BullMQ's own parser) accepts. */
export function IsCron(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isCron',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be a cron expression such as "0 4 * * 0"', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && cronProblem(value, 'UTC') === null },
    });
  };
}

/** A compression level within the range of the codec the property `codecKey` names (gzip 1–9, zstd 1–19). */
export function IsCompressionLevelOf(codecKey: string, options?: ValidationOptions): PropertyDecorator {
  const codec = (args: ValidationArguments) => (args.object as Record<string, unknown>)[codecKey] as Compression;
  const known = (args: ValidationArguments) => COMPRESSIONS.includes(codec(args));
  return (target, propertyName) => {
    registerDecorator({
      name: 'isCompressionLevelOf',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args) => (known(args) ? compressionLevelProblem(codec(args), Number(args.value)) : null) ?? 'must be an integer',
        ...options,
      },
      validator: {
        // An unknown codec is reported on its own variable; the level is judged once the codec is known.
        validate: (value: unknown, args?: ValidationArguments) =>
          !args || !known(args) || (typeof value === 'number' && compressionLevelProblem(codec(args), value) === null),
      },
    });
  };
}

import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorCode } from '../../../shared/errors';

type Constructor<T> = new () => T;

function flatten(errors: ValidationError[], parent = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Turns an untrusted body or query into a validated DTO, or throws a 400 that
 * names every offending field. Unknown fields are refused, not ignored.
 */
export function parseDto<T extends object>(dto: Constructor<T>, input: unknown): T {
  const plain = input === undefined || input === null ? {} : input;
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw new AppError(ErrorCode.ValidationFailed, 'Request body must be a JSON object');
  }
  // JSON.parse and the query parser make these own keys; they are never fields of ours.
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    if (Object.hasOwn(plain, key))
      throw new AppError(ErrorCode.ValidationFailed, `Invalid request: property ${key} should not exist`, {
        details: [{ field: key, messages: [`property ${key} should not exist`] }],
      });
  }
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const details = flatten(errors);
    const summary = details.map((d) => `${d.field}: ${d.messages.join(', ')}`).join('; ');
    throw new AppError(ErrorCode.ValidationFailed, `Invalid request: ${summary}`, { details: details });
  }
  return instance;
}

import { Type } from '@sinclair/typebox';
import { ErrorCode } from '../../../shared/errors';
import { closed, named, StringEnum } from './schema-helpers';

/** `{error:{code,message,details?}}` with the codes a route can answer at one status. */
export function errorBodySchema(codes: readonly ErrorCode[]) {
  return closed({
    error: closed({
      code: StringEnum(codes),
      message: Type.String({ description: 'Safe to show; match on `code`, never on the message.' }),
      details: Type.Optional(Type.Unknown({ description: 'Field errors of a VALIDATION_FAILED, per-copy outcomes of a BACKUP_DELETE_INCOMPLETE, …' })),
    }),
  });
}

export const ErrorBody = named('Error', errorBodySchema(Object.values(ErrorCode)));

import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { SCHEDULE_REFERENCE } from '../../../shared/catalog/repositories/schedule.repository';

/**
 * A schedule's UUID or its short number (`1`, or `"1"`): the user guide's
 * trigger body says `"scheduleId": 1`. Numbers become strings; lookups go through
 * ScheduleRepository.findByReference.
 */
export function IsScheduleReference(field: string): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => (typeof value === 'number' ? String(value) : value))(target, key);
    Matches(SCHEDULE_REFERENCE, { message: `${field} must be a schedule id (UUID) or number` })(target, key);
    JSONSchema((schema: object) => ({ anyOf: [schema, { type: 'integer', minimum: 1, maximum: 999_999_999 }] }) as never)(target, key as string);
  };
}

/** `:id` of a schedule: its UUID or, all digits, its number. */
export class ScheduleParams {
  @IsScheduleReference('id')
  id: string;
}

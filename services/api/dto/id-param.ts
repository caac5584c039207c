import { IsUUID, Matches } from 'class-validator';

/** `:id` of a backup, schedule, execution or restore: a UUID. */
export class UuidParams {
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

// Only the ids we create: an execution id, a trigger slot `slot-<schedule id>-<ms>`, or a job
// scheduler run `repeat:<scheduler id>:<ms>`. Anything else could name one of BullMQ's own keys.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const JOB_ID = new RegExp(`^(?:${UUID}|slot-${UUID}-\\d{1,15}|repeat:(?:${UUID}|[a-z]+(?:-[a-z]+)*):\\d{1,15})$`);

export class JobIdParams {
  @Matches(JOB_ID, { message: 'Invalid job id: expected the jobId the API returned' })
  id: string;
}

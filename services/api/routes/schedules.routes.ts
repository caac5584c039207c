import { AppError, ErrorCode } from '../../../shared/errors';
import { createSchedule, deleteSchedule, ManageScheduleDeps, updateSchedule } from '../../../shared/jobs/manage-schedules';
import { planRetention } from '../../../shared/jobs/prune-backups';
import { createLogger } from '../../../shared/logging';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { PageQuery } from '../dto/page-query';
import { ScheduleParams } from '../dto/schedule-reference';
import { CreateScheduleDto, UpdateScheduleDto } from '../dto/schedule.dto';
import { presentPage, presentRetentionPlan, presentSchedule, scheduleDefaults } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { DeleteResult } from '../schemas/backup.schema';
import { AcceptedJob } from '../schemas/job.schema';
import { pageOf } from '../schemas/page.schema';
import { RetentionPreview, SavedSchedule, Schedule } from '../schemas/schedule.schema';
import { acceptedJob } from './accepted-job';

const logger = createLogger('Scheduler');

function manageDeps(runtime: Runtime): ManageScheduleDeps {
  return { schedules: runtime.schedules, mirror: runtime.scheduleMirror, defaultTimeZone: runtime.config.BACKUP_CRON_TIMEZONE, logger };
}

/** By UUID, or by number for an all-digits id. */
async function findSchedule(runtime: Runtime, id: string) {
  const schedule = await runtime.schedules.findByReference(id);
  if (!schedule) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
  return schedule;
}

const SAVE_ERRORS = [ErrorCode.ScheduleNameTaken] as const;

/**
 * Schedule CRUD (each change is mirrored into the job schedulers), run now, and the retention
 * preview. `:id` is the schedule's UUID or its number.
 */
export const scheduleRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/schedules',
    operationId: 'createSchedule',
    summary: 'Create a schedule (cron expression checked with cron-parser)',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    body: CreateScheduleDto,
    responses: { 201: { description: 'Created', schema: SavedSchedule } },
    errors: SAVE_ERRORS,
    handler: async ({ runtime, body }) => {
      const { schedule, mirrorSynced } = await createSchedule(manageDeps(runtime), body);
      return { body: { ...presentSchedule(schedule, scheduleDefaults(runtime.config)), mirrorSynced } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/schedules',
    operationId: 'listSchedules',
    summary: 'Schedules, by name',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    query: PageQuery,
    responses: { 200: { description: 'A page of schedules', schema: pageOf('SchedulePage', Schedule) } },
    handler: async ({ runtime, query }) => {
      const defaults = scheduleDefaults(runtime.config);
      return { body: presentPage(await runtime.schedules.listPage(query), (s) => presentSchedule(s, defaults)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/schedules/:id',
    operationId: 'getSchedule',
    summary: 'One schedule with its next runs',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    params: ScheduleParams,
    responses: { 200: { description: 'The schedule', schema: Schedule } },
    errors: [ErrorCode.ScheduleNotFound],
    handler: async ({ runtime, params }) => ({ body: presentSchedule(await findSchedule(runtime, params.id), scheduleDefaults(runtime.config)) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/schedules/:id',
    operationId: 'updateSchedule',
    summary: 'Change any subset of a schedule',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    params: ScheduleParams,
    body: UpdateScheduleDto,
    responses: { 200: { description: 'Saved', schema: SavedSchedule } },
    errors: [ErrorCode.ScheduleNotFound, ...SAVE_ERRORS],
    handler: async ({ runtime, params, body }) => {
      const { id } = await findSchedule(runtime, params.id);
      const { schedule, mirrorSynced } = await updateSchedule(manageDeps(runtime), id, { ...body });
      return { body: { ...presentSchedule(schedule, scheduleDefaults(runtime.config)), mirrorSynced } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/schedules/:id',
    operationId: 'deleteSchedule',
    summary: 'Delete a schedule (its backups stay)',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    params: ScheduleParams,
    responses: { 200: { description: 'Deleted', schema: DeleteResult } },
    errors: [ErrorCode.ScheduleNotFound],
    handler: async ({ runtime, params }) => {
      const { id } = await findSchedule(runtime, params.id);
      const { mirrorSynced } = await deleteSchedule(manageDeps(runtime), id);
      return { body: { resource: 'schedule', id, deleted: true, mirrorSynced } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/schedules/:id/run',
    operationId: 'runSchedule',
    summary: 'Run a schedule now: queue a backup of its type, filed under the schedule (its retention applies)',
    description: 'A disabled schedule is not run (409 SCHEDULE_DISABLED): enable it first, or use POST /api/backups for a one-off backup.',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    params: ScheduleParams,
    responses: { 202: { description: 'Queued', schema: AcceptedJob } },
    errors: [ErrorCode.ScheduleNotFound, ErrorCode.ScheduleDisabled, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, params }) => {
      const schedule = await findSchedule(runtime, params.id);
      if (!schedule.enabled) throw new AppError(ErrorCode.ScheduleDisabled, `Schedule "${schedule.name}" is disabled`);
      const job = await enqueue(runtime.enqueueDeps, 'backup', { type: schedule.type, trigger: 'api', scheduleId: schedule.id });
      logger.info(`Schedule "${schedule.name}" run now: ${schedule.type} backup queued`);
      return { body: acceptedJob(job) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/schedules/:id/retention-preview',
    operationId: 'previewRetention',
    summary: 'What retention would delete now, and why each backup is kept or deleted',
    description:
      '`retentionDays` is the maximum age; keepDaily/keepWeekly/keepMonthly choose what to keep inside it. ' +
      'Each entry has an `explanation` in words; `warnings` names keeps that reach further back than retentionDays.',
    tag: 'schedules',
    auth: ['adminKey', 'session'],
    params: ScheduleParams,
    responses: { 200: { description: 'The retention plan', schema: RetentionPreview } },
    errors: [ErrorCode.ScheduleNotFound],
    handler: async ({ runtime, params }) => {
      const schedule = await findSchedule(runtime, params.id);
      const defaults = scheduleDefaults(runtime.config);
      const plan = await planRetention(
        {
          backups: runtime.backups,
          schedules: runtime.schedules,
          defaultRetentionDays: defaults.defaultRetentionDays,
          defaultTimeZone: defaults.defaultTimeZone,
        },
        schedule.id,
      );
      return { body: presentRetentionPlan(plan) };
    },
  }),
];

import { systemStatus } from '../../../shared/jobs/system-status';
import { backupHealthReport } from '../../../shared/monitoring/backup-health';
import { ALL_QUEUES } from '../../../shared/queue/queue-names';
import type { Runtime } from '../../../shared/runtime/runtime';
import { API_VERSION } from '../api-version';
import { presentExecution, presentSchedule, scheduleDefaults } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Status, SystemInfo } from '../schemas/status.schema';

const COUNTED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/** One part of GET /api/status; each returns its own top-level fields, so new facts are one more section. */
export type StatusSection = (runtime: Runtime) => Promise<Record<string, unknown>>;

const schedulerSection: StatusSection = async (runtime) => {
  const defaults = scheduleDefaults(runtime.config);
  const [schedules, mirrored] = await Promise.all([runtime.schedules.list(), runtime.scheduleMirror.current()]);
  return {
    schedulerMode: runtime.config.BACKUP_SCHEDULER_MODE,
    schedules: await Promise.all(
      schedules.map(async (schedule) => {
        const { last, lastSuccess } = await runtime.executions.lastRunsOfSchedule(schedule.id);
        const presented = presentSchedule(schedule, defaults);
        return {
          ...presented,
          /** Whether a BullMQ job scheduler runs it inside the workers (internal and both modes). */
          mirrored: mirrored.has(schedule.id),
          lastRun: last ? presentExecution(last) : null,
          lastSuccessAt: lastSuccess?.finishedAt ?? null,
          nextRunAt: presented.nextRuns[0] ?? null,
        };
      }),
    ),
    // Job schedulers without a schedule should not exist; the next reconciliation removes them.
    orphanJobSchedulers: [...mirrored.keys()].filter((id) => !schedules.some((s) => s.id === id)),
  };
};

const queueSection: StatusSection = async (runtime) => {
  const counts = await Promise.all(ALL_QUEUES.map(async (name) => [name, await runtime.queues.get(name).getJobCounts(...COUNTED_STATES)] as const));
  return { queues: Object.fromEntries(counts) };
};

const healthSection: StatusSection = async (runtime) => ({
  health: await backupHealthReport({ stats: runtime.stats, alerts: runtime.alerts, storages: runtime.storageTargets }),
});

export const STATUS_SECTIONS: StatusSection[] = [schedulerSection, queueSection, healthSection];

export const statusRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/status',
    operationId: 'getStatus',
    summary: "Scheduler mode, each schedule's last and next run, queue counts, backup health",
    tag: 'status',
    auth: ['adminKey'],
    responses: { 200: { description: 'The status', schema: Status } },
    handler: async ({ runtime }) => {
      const parts = await Promise.all(STATUS_SECTIONS.map((section) => section(runtime)));
      return { body: Object.assign({ generatedAt: new Date() }, ...parts) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/system',
    operationId: 'getSystem',
    summary: 'Storage type, path and reachability per target, PostgreSQL reachability and mode, whether encryption is on',
    description: 'Probes each storage target and the Kanbu database (a few seconds at most each). Never returns credentials or keys: only the key id.',
    tag: 'status',
    auth: ['adminKey'],
    responses: { 200: { description: 'The system facts', schema: SystemInfo } },
    handler: async ({ runtime }) => ({
      body: await systemStatus({ config: runtime.config, targets: runtime.targets, copies: runtime.copies, keys: runtime.keys, version: API_VERSION }),
    }),
  }),
];

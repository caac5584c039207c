import type { JobSchedulerJson, Queue } from 'bullmq';
import type { ScheduleRepository } from '../catalog/repositories/schedule.repository';
import type { Config } from '../config';
import { scheduleTimeZone } from '../domain/schedule-settings';
import type { BackupType } from '../domain/types';
import type { Logger } from '../logging';
import { defaultJobOptions } from './job-options';
import { BackupJobData, jobName } from './job-payloads';
import type { ResourceLocks } from './locks';

/** Serialises reconciliations of all processes, so the last one always sees the latest catalog. */
const RECONCILE_LOCK = 'scheduler-reconcile';
const RECONCILE_LOCK_WAIT_MS = 15_000;

export interface SchedulerSpec {
  /** The job scheduler id: the schedule's id. */
  id: string;
  pattern: string;
  tz: string;
  name: string;
  data: BackupJobData;
  attempts: number;
}

export interface MirrorPlan {
  upsert: SchedulerSpec[];
  remove: string[];
  unchanged: number;
}

export interface MirrorReport {
  upserted: number;
  removed: number;
  unchanged: number;
}

type MirrorConfig = Pick<Config, 'BACKUP_SCHEDULER_MODE' | 'BACKUP_CRON_TIMEZONE' | 'BACKUP_JOB_ATTEMPTS'>;

interface ScheduleRow {
  id: string;
  type: BackupType;
  cronExpression: string;
  timezone: string | null;
  enabled: boolean;
}

/** The job schedulers that should exist: one per enabled schedule, none at all in `external` mode. */
export function desiredSchedulers(schedules: readonly ScheduleRow[], config: MirrorConfig): SchedulerSpec[] {
  if (config.BACKUP_SCHEDULER_MODE === 'external') return [];
  return schedules
    .filter((s) => s.enabled)
    .map((s) => {
      const data: BackupJobData = { type: s.type, trigger: 'schedule', scheduleId: s.id };
      return {
        id: s.id,
        pattern: s.cronExpression,
        tz: scheduleTimeZone(s, config.BACKUP_CRON_TIMEZONE),
        name: jobName('backup', data),
        data,
        attempts: config.BACKUP_JOB_ATTEMPTS,
      };
    });
}

function matches(spec: SchedulerSpec, existing: JobSchedulerJson): boolean {
  return (
    existing.pattern === spec.pattern &&
    existing.tz === spec.tz &&
    existing.name === spec.name &&
    existing.every === undefined &&
    JSON.stringify(existing.template?.data) === JSON.stringify(spec.data) &&
    existing.template?.opts?.attempts === spec.attempts
  );
}

/** What to change so that the queue's job schedulers are exactly `desired`: the catalog wins. */
export function planMirror(desired: readonly SchedulerSpec[], existing: readonly JobSchedulerJson[]): MirrorPlan {
  const current = new Map(existing.map((e) => [e.key, e]));
  const wanted = new Set(desired.map((d) => d.id));
  const upsert = desired.filter((d) => {
    const found = current.get(d.id);
    return !found || !matches(d, found);
  });
  return {
    upsert,
    remove: existing.map((e) => e.key).filter((key) => !wanted.has(key)),
    unchanged: desired.length - upsert.length,
  };
}

/**
 * Mirrors the catalog's schedules into BullMQ job schedulers on the backup
 * queue. Run at start by the API and every worker, after every schedule change,
 * and periodically by workers, so a Redis flush or a lost scheduler heals itself.
 */
export class ScheduleMirror {
  constructor(private readonly deps: { schedules: ScheduleRepository; queue: Queue; locks: ResourceLocks; config: MirrorConfig; logger: Logger }) {}

  async reconcile(): Promise<MirrorReport> {
    const { schedules, queue, locks, config, logger } = this.deps;
    return locks.withLock(RECONCILE_LOCK, RECONCILE_LOCK_WAIT_MS, async () => {
      const plan = planMirror(desiredSchedulers(await schedules.list(), config), await queue.getJobSchedulers(0, -1));
      for (const id of plan.remove) {
        await queue.removeJobScheduler(id);
        logger.info(
          `Removed job scheduler ${id} (no enabled schedule${config.BACKUP_SCHEDULER_MODE === 'external' ? ' runs internally in external mode' : ' with this id'})`,
        );
      }
      for (const spec of plan.upsert) {
        await queue.upsertJobScheduler(
          spec.id,
          { pattern: spec.pattern, tz: spec.tz },
          { name: spec.name, data: spec.data, opts: defaultJobOptions('backup', spec.attempts) },
        );
        logger.info(`Job scheduler ${spec.id}: ${spec.name} at "${spec.pattern}" (${spec.tz})`);
      }
      return { upserted: plan.upsert.length, removed: plan.remove.length, unchanged: plan.unchanged };
    });
  }

  /** The job schedulers on the queue now, by schedule id, with their next run. */
  async current(): Promise<Map<string, JobSchedulerJson>> {
    const existing = await this.deps.queue.getJobSchedulers(0, -1);
    return new Map(existing.map((e) => [e.key, e]));
  }
}

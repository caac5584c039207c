import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import { createLogger } from '../../../shared/logging';
import { createSchedule, deleteSchedule, ManageScheduleDeps, updateSchedule } from '../../../shared/jobs/manage-schedules';
import { planRetention } from '../../../shared/jobs/prune-backups';
import type { Runtime } from '../../../shared/runtime/runtime';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { CreateScheduleDto, UpdateScheduleDto } from '../dto/schedule.dto';
import { presentRetentionPlan, presentSchedule, scheduleDefaults } from '../presenters';

/** Schedule CRUD (each change is mirrored into the job schedulers) and the retention preview. */
export function scheduleRoutes(runtime: Runtime): Router {
  const router = Router();
  const defaults = scheduleDefaults(runtime.config);
  const deps: ManageScheduleDeps = {
    schedules: runtime.schedules,
    mirror: runtime.scheduleMirror,
    defaultTimeZone: defaults.defaultTimeZone,
    logger: createLogger('Scheduler'),
  };

  async function findSchedule(id: string | string[] | undefined) {
    const schedule = await runtime.schedules.findById(uuidParam(id, 'Schedule'));
    if (!schedule) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
    return schedule;
  }

  router.post('/', async (req, res) => {
    const { schedule, mirrorSynced } = await createSchedule(deps, parseDto(CreateScheduleDto, req.body));
    res.status(201).json({ ...presentSchedule(schedule, defaults), mirrorSynced });
  });

  router.get('/', async (_req, res) => {
    const schedules = await runtime.schedules.list();
    res.json({ items: schedules.map((s) => presentSchedule(s, defaults)), total: schedules.length });
  });

  router.get('/:id', async (req, res) => {
    res.json(presentSchedule(await findSchedule(req.params.id), defaults));
  });

  router.patch('/:id', async (req, res) => {
    const id = uuidParam(req.params.id, 'Schedule');
    const { schedule, mirrorSynced } = await updateSchedule(deps, id, { ...parseDto(UpdateScheduleDto, req.body) });
    res.json({ ...presentSchedule(schedule, defaults), mirrorSynced });
  });

  router.delete('/:id', async (req, res) => {
    const id = uuidParam(req.params.id, 'Schedule');
    const { mirrorSynced } = await deleteSchedule(deps, id);
    res.json({ deleted: id, mirrorSynced });
  });

  router.get('/:id/retention-preview', async (req, res) => {
    const schedule = await findSchedule(req.params.id);
    const plan = await planRetention(
      {
        backups: runtime.backups,
        schedules: runtime.schedules,
        defaultRetentionDays: defaults.defaultRetentionDays,
        defaultTimeZone: defaults.defaultTimeZone,
      },
      schedule.id,
    );
    res.json(presentRetentionPlan(plan));
  });

  return router;
}

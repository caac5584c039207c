import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { AppError, ErrorCode } from '../../errors';
import { Backup, Schedule } from '../entities';
import { Page, PageRequest, skipTake, toPage } from './pagination';

export type ScheduleFields = Pick<
  Schedule,
  'name' | 'type' | 'cronExpression' | 'timezone' | 'enabled' | 'retentionDays' | 'keepDaily' | 'keepWeekly' | 'keepMonthly'
>;

function nameTaken(err: unknown, name: string | undefined): AppError | unknown {
  const code = err instanceof QueryFailedError ? (err.driverError as { code?: string } | undefined)?.code : undefined;
  return code === '23505' ? new AppError(ErrorCode.ScheduleNameTaken, `A schedule named "${name}" already exists`) : err;
}

/** A schedule's UUID, or its number (all digits, at most 9 so it fits an integer). */
export const SCHEDULE_REFERENCE = /^(?:[1-9][0-9]{0,8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Schedules: the source of truth the BullMQ job schedulers mirror. */
export class ScheduleRepository {
  private readonly repo: Repository<Schedule>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(Schedule);
  }

  list(): Promise<Schedule[]> {
    return this.repo.find({ order: { name: 'ASC' } });
  }

  async listPage(request: PageRequest): Promise<Page<Schedule>> {
    return toPage(await this.repo.findAndCount({ order: { name: 'ASC' }, ...skipTake(request) }), request);
  }

  listEnabled(): Promise<Schedule[]> {
    return this.repo.find({ where: { enabled: true }, order: { name: 'ASC' } });
  }

  findById(id: string): Promise<Schedule | null> {
    return this.repo.findOneBy({ id });
  }

  /** By UUID, or by number when `reference` is all digits; null for anything else or unknown. */
  findByReference(reference: string): Promise<Schedule | null> {
    if (!SCHEDULE_REFERENCE.test(reference)) return Promise.resolve(null);
    return /^\d+$/.test(reference) ? this.repo.findOneBy({ number: Number(reference) }) : this.repo.findOneBy({ id: reference });
  }

  async create(fields: ScheduleFields): Promise<Schedule> {
    try {
      return await this.repo.save(this.repo.create(fields));
    } catch (err) {
      throw nameTaken(err, fields.name);
    }
  }

  async update(id: string, changes: Partial<ScheduleFields>): Promise<Schedule | null> {
    try {
      if (Object.keys(changes).length > 0) await this.repo.update({ id }, changes);
    } catch (err) {
      throw nameTaken(err, changes.name);
    }
    return this.findById(id);
  }

  /**
   * Deletes a schedule. Its backups stay, detached: from then on they follow
   * the retention of backups without a schedule (BACKUP_RETENTION_DAYS).
   */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      await em.getRepository(Backup).update({ scheduleId: id }, { scheduleId: null });
      const result = await em.getRepository(Schedule).delete({ id });
      return (result.affected ?? 0) > 0;
    });
  }
}

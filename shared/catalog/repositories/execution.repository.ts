import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import type { ExecutionKind, ExecutionStatus, Trigger } from '../../domain/types';
import { Execution } from '../entities';
import { Page, PageRequest, skipTake, toPage } from './pagination';

export interface NewExecution {
  id?: string;
  jobId?: string | null;
  kind: ExecutionKind;
  trigger: Trigger;
  queue: string;
  scheduleId?: string | null;
  backupId?: string | null;
  details?: Record<string, unknown> | null;
}

export interface ExecutionQuery extends PageRequest {
  kind?: ExecutionKind;
  status?: ExecutionStatus;
  scheduleId?: string;
}

const MAX_ERROR_LENGTH = 4000;

export class ExecutionRepository {
  private readonly repo: Repository<Execution>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Execution);
  }

  async create(input: NewExecution): Promise<Execution> {
    return this.repo.save(this.repo.create({ ...input, status: 'queued', attempts: 0 }));
  }

  findById(id: string): Promise<Execution | null> {
    return this.repo.findOneBy({ id });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /**
   * Forgets finished runs that ended before `cutoff`, except those still needed:
   * the run that made a backup still in the catalog, and a restore whose replaced
   * database is kept (it is dropped through its execution). Returns how many.
   */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const result = await this.repo.query(
      `DELETE FROM "execution" e
        WHERE e."finished_at" < $1 AND e."status" IN ('completed', 'failed')
          AND NOT EXISTS (SELECT 1 FROM "backup" b WHERE b."execution_id" = e."id")
          AND e."details"->>'previousDatabase' IS NULL`,
      [cutoff],
    );
    return result[1] ?? 0;
  }

  async markRunning(id: string, attempt: number): Promise<void> {
    await this.repo.update({ id }, { status: 'running', attempts: attempt, startedAt: new Date(), finishedAt: null, error: null });
  }

  async mergeDetails(id: string, details: Record<string, unknown>): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ details: () => `COALESCE(details, '{}'::jsonb) || :details::jsonb` })
      .setParameter('details', JSON.stringify(details))
      .where('id = :id', { id })
      .execute();
  }

  /**
   * `waiting` without counting an attempt: the job was delayed (e.g. its
   * resource is locked by another job) and will run later. `details` says why.
   * Waiting is not work: it has no `startedAt`.
   */
  async markWaiting(id: string, attempts: number, details: Record<string, unknown>): Promise<void> {
    await this.repo.update({ id }, { status: 'waiting', attempts, startedAt: null });
    await this.mergeDetails(id, details);
  }

  /** The latest run of a schedule, and its latest successful one. */
  async lastRunsOfSchedule(scheduleId: string): Promise<{ last: Execution | null; lastSuccess: Execution | null }> {
    const [last, lastSuccess] = await Promise.all([
      this.repo.findOne({ where: { scheduleId, kind: 'backup' }, order: { queuedAt: 'DESC' } }),
      this.repo.findOne({ where: { scheduleId, kind: 'backup', status: 'completed' }, order: { finishedAt: 'DESC' } }),
    ]);
    return { last, lastSuccess };
  }

  /** A completed backup run, other than `exceptId`, that took a backup for this schedule slot. */
  findCompletedSlotRun(scheduleId: string, slot: string, exceptId: string): Promise<Execution | null> {
    return this.repo
      .createQueryBuilder('e')
      .where('e.schedule_id = :scheduleId', { scheduleId })
      .andWhere(`e.kind = 'backup' AND e.status = 'completed' AND e.backup_id IS NOT NULL`)
      .andWhere(`e.details->>'slot' = :slot`, { slot })
      .andWhere('e.id <> :exceptId', { exceptId })
      .orderBy('e.finished_at', 'ASC')
      .getOne();
  }

  async linkBackup(id: string, backupId: string): Promise<void> {
    await this.repo.update({ id }, { backupId });
  }

  async markCompleted(id: string): Promise<void> {
    await this.finish(id, 'completed', null);
  }

  /** `final` false means BullMQ will try again: the row says `retrying` with the last reason. */
  async markFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.finish(id, final ? 'failed' : 'retrying', error.slice(0, MAX_ERROR_LENGTH));
  }

  /**
   * The attempt `attempt` of a run stopped with its worker (BullMQ found the job
   * stalled and retries it): `retrying` with the reason — unless a new attempt
   * has started meanwhile. Returns whether it changed the row.
   */
  async markInterrupted(id: string, attempt: number, error: string): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'running', attempts: attempt }, { status: 'retrying', error, finishedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async list(query: ExecutionQuery): Promise<Page<Execution>> {
    const where: FindOptionsWhere<Execution> = {};
    if (query.kind) where.kind = query.kind;
    if (query.status) where.status = query.status;
    if (query.scheduleId) where.scheduleId = query.scheduleId;
    const result = await this.repo.findAndCount({ where, order: { queuedAt: 'DESC' }, ...skipTake(query) });
    return toPage(result, query);
  }

  private async finish(id: string, status: ExecutionStatus, error: string | null): Promise<void> {
    const execution = await this.repo.findOneBy({ id });
    const finishedAt = new Date();
    const durationMs = execution?.startedAt ? finishedAt.getTime() - execution.startedAt.getTime() : null;
    await this.repo.update({ id }, { status, error, finishedAt, durationMs });
  }
}

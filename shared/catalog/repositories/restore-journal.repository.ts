import { DataSource, IsNull, Repository } from 'typeorm';
import type { SwapOutcome, SwapStep } from '../../domain/swap-recovery';
import { RestoreJournalEntry } from '../entities';

export type NewJournalEntry = Pick<RestoreJournalEntry, 'executionId' | 'resource' | 'liveName' | 'liveOid' | 'restoredName' | 'previousName' | 'keepPrevious'>;

const MAX_ERROR_LENGTH = 4000;

/** The restore journal: every write lands before the step it describes runs. */
export class RestoreJournalRepository {
  private readonly repo: Repository<RestoreJournalEntry>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(RestoreJournalEntry);
  }

  async open(entry: NewJournalEntry): Promise<RestoreJournalEntry> {
    return this.repo.save(this.repo.create({ ...entry, step: 'loading', checksPassed: false, outcome: null }));
  }

  findByExecution(executionId: string): Promise<RestoreJournalEntry | null> {
    return this.repo.findOneBy({ executionId });
  }

  /** Restores of this database that have not finished: the ones a recovery must settle. */
  unfinished(resource: string): Promise<RestoreJournalEntry[]> {
    return this.repo.find({ where: { resource, outcome: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async setRestoredOid(id: string, restoredOid: string): Promise<void> {
    await this.repo.update({ id }, { restoredOid });
  }

  async step(id: string, step: SwapStep, extra: Partial<Pick<RestoreJournalEntry, 'checksPassed'>> = {}): Promise<void> {
    await this.repo.update({ id }, { step, ...extra });
  }

  async finish(id: string, outcome: SwapOutcome, error: string | null = null): Promise<void> {
    await this.repo.update({ id }, { outcome, error: error?.slice(0, MAX_ERROR_LENGTH) ?? null });
  }
}

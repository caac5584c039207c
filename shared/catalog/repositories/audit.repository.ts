import { DataSource, Repository } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry.entity';
import { Page, PageRequest, skipTake, toPage } from './pagination';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery extends PageRequest {
  method?: string;
  /** Entries whose path starts with this, e.g. `/api/backups`. */
  pathPrefix?: string;
  /** A session id or key fingerprint. */
  actor?: string;
  /** An id the request named or created. */
  target?: string;
  outcome?: 'success' | 'failure';
  since?: Date;
  until?: Date;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class AuditRepository {
  private readonly repo: Repository<AuditEntry>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditEntry);
  }

  async record(entry: NewAuditEntry): Promise<void> {
    await this.repo.insert(entry);
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const qb = this.repo.createQueryBuilder('a');
    if (query.method) qb.andWhere('a.method = :method', { method: query.method });
    if (query.pathPrefix) qb.andWhere(`a.path LIKE :prefix ESCAPE '\\'`, { prefix: `${escapeLike(query.pathPrefix)}%` });
    if (query.actor) qb.andWhere('a.actor_id = :actor', { actor: query.actor });
    if (query.target) qb.andWhere('a.target_ids @> :target::jsonb', { target: JSON.stringify([query.target]) });
    if (query.outcome === 'success') qb.andWhere('a.status < 400');
    if (query.outcome === 'failure') qb.andWhere('a.status >= 400');
    if (query.since) qb.andWhere('a.occurred_at >= :since', { since: query.since });
    if (query.until) qb.andWhere('a.occurred_at < :until', { until: query.until });
    const { skip, take } = skipTake(query);
    const result = await qb.orderBy('a.occurred_at', 'DESC').addOrderBy('a.id', 'DESC').skip(skip).take(take).getManyAndCount();
    return toPage(result, query);
  }

  /** Forgets entries older than `cutoff`; returns how many. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result = await this.repo.createQueryBuilder().delete().where('occurred_at < :cutoff', { cutoff }).execute();
    return result.affected ?? 0;
  }
}

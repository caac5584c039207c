import { DataSource, IsNull, Not, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Alert } from '../entities';
import { isUniqueViolation } from '../unique-violation';

export type NewAlert = Pick<Alert, 'key' | 'kind' | 'subject' | 'message' | 'details' | 'activeSince'>;

export class AlertRepository {
  private readonly repo: Repository<Alert>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Alert);
  }

  /** Alerts whose condition has not ended, oldest first. */
  listOpen(): Promise<Alert[]> {
    return this.repo.find({ where: { resolvedAt: IsNull() }, order: { activeSince: 'ASC' } });
  }

  /** Opens an alert; null when another evaluation opened the same key first. */
  async open(alert: NewAlert): Promise<Alert | null> {
    try {
      return await this.repo.save(this.repo.create({ ...alert, lastSeenAt: alert.activeSince }));
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async stillActive(id: string, changes: Pick<Alert, 'message' | 'details' | 'lastSeenAt'>): Promise<void> {
    // TypeORM's partial type does not accept a plain JSON record for a jsonb column.
    await this.repo.update({ id }, changes as QueryDeepPartialEntity<Alert>);
  }

  async resolve(id: string, at: Date): Promise<void> {
    await this.repo.update({ id, resolvedAt: IsNull() }, { resolvedAt: at });
  }

  async markNotified(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { notifiedAt: at });
  }

  async markResolvedNotified(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { resolvedNotifiedAt: at });
  }

  /** Ended alerts that were announced but whose end was not yet. */
  pendingResolutions(): Promise<Alert[]> {
    return this.repo.find({ where: { resolvedAt: Not(IsNull()), notifiedAt: Not(IsNull()), resolvedNotifiedAt: IsNull() }, order: { resolvedAt: 'ASC' } });
  }

  findById(id: string): Promise<Alert | null> {
    return this.repo.findOneBy({ id });
  }
}

import { DataSource, Not, Repository } from 'typeorm';
import type { CopyStatus } from '../../domain/types';
import { BackupCopy } from '../entities';

/** What a read found when it checked a copy. */
export type CopyCheckStatus = Extract<CopyStatus, 'completed' | 'missing' | 'corrupt'>;

export class BackupCopyRepository {
  private readonly repo: Repository<BackupCopy>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(BackupCopy);
  }

  async startWriting(input: { backupId: string; target: string; location: string; isPrimary: boolean }): Promise<BackupCopy> {
    await this.repo.delete({ backupId: input.backupId, target: input.target });
    return this.repo.save(this.repo.create({ ...input, status: 'writing' }));
  }

  async markCompleted(id: string, sizeBytes: number): Promise<void> {
    await this.repo.update({ id }, { status: 'completed', sizeBytes, checkedAt: new Date(), error: null });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.repo.update({ id }, { status: 'failed', error: error.slice(0, 4000) });
  }

  async markDeleted(id: string): Promise<void> {
    await this.repo.update({ id }, { status: 'deleted' });
  }

  async markDeleteFailed(id: string, error: string): Promise<void> {
    await this.repo.update({ id }, { status: 'delete_failed', error: error.slice(0, 4000) });
  }

  async recordCheck(id: string, status: CopyCheckStatus, error: string | null): Promise<void> {
    await this.repo.update({ id }, { status, error: error?.slice(0, 4000) ?? null, checkedAt: new Date() });
  }

  /** Completed copies per target name. */
  async countCompletedByTarget(): Promise<Map<string, number>> {
    const rows = await this.repo
      .createQueryBuilder('c')
      .select('c.target', 'target')
      .addSelect('count(*)::int', 'count')
      .where('c.status = :status', { status: 'completed' })
      .groupBy('c.target')
      .getRawMany<{ target: string; count: number }>();
    return new Map(rows.map((r) => [r.target, r.count]));
  }

  /** Locations on a target the catalog knows a (not deleted) copy at. */
  async knownLocations(target: string): Promise<Set<string>> {
    const rows = await this.repo.find({ select: { location: true }, where: { target, status: Not('deleted') } });
    return new Set(rows.map((r) => r.location));
  }

  forBackup(backupId: string): Promise<BackupCopy[]> {
    return this.repo.find({ where: { backupId }, order: { isPrimary: 'DESC', createdAt: 'ASC' } });
  }
}

import { DataSource, Repository } from 'typeorm';
import { BackupCopy } from '../entities';

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

  async updateSize(backupId: string, target: string, sizeBytes: number): Promise<void> {
    await this.repo.update({ backupId, target }, { sizeBytes, checkedAt: new Date() });
  }

  async markDeleted(id: string): Promise<void> {
    await this.repo.update({ id }, { status: 'deleted' });
  }

  forBackup(backupId: string): Promise<BackupCopy[]> {
    return this.repo.find({ where: { backupId }, order: { isPrimary: 'DESC', createdAt: 'ASC' } });
  }
}

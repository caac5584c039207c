import { DataSource, EntityManager, FindOptionsWhere, In, IsNull, Not, Repository } from 'typeorm';
import { BackupStatus, BackupType, USABLE_BACKUP_STATUSES, VerificationStatus } from '../../domain/types';
import { Backup, BackupCopy } from '../entities';
import { Page, PageRequest, skipTake, toPage } from './pagination';

export type NewBackup = Pick<Backup, 'type' | 'filename' | 'compression' | 'encrypted' | 'storage' | 'trigger'> &
  Partial<Pick<Backup, 'purpose' | 'scheduleId' | 'executionId' | 'encryptionKeyId' | 'encryptionFormat' | 'protectedUntil'>>;

export interface ImportedBackup {
  type: BackupType;
  filename: string;
  compression: Backup['compression'];
  encrypted: boolean;
  createdAt: Date;
  target: string;
  location: string;
  sizeBytes: number;
}

export interface CompletedBackupFacts {
  status: Extract<BackupStatus, 'completed' | 'completed_with_warnings'>;
  sizeBytes: number;
  sourceBytes: number;
  checksum: string;
  durationMs: number;
  error?: string | null;
}

export interface ReencryptionFacts {
  encryptionKeyId: string;
  encryptionFormat: string;
  sizeBytes: number;
  /** The new stored size of every copy that was re-encrypted, by target. */
  copies: { target: string; sizeBytes: number }[];
}

export type BackupSortField = 'createdAt' | 'sizeBytes';

export interface BackupQuery extends PageRequest {
  type?: BackupType;
  status?: BackupStatus;
  sort: BackupSortField;
  order: 'ASC' | 'DESC';
}

export class BackupRepository {
  private readonly repo: Repository<Backup>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Backup);
  }

  async createRunning(input: NewBackup): Promise<Backup> {
    return this.repo.save(this.repo.create({ purpose: 'regular', ...input, status: 'running' }));
  }

  findById(id: string): Promise<Backup | null> {
    return this.repo.findOneBy({ id });
  }

  findByIdWithCopies(id: string): Promise<Backup | null> {
    return this.repo.findOne({ where: { id }, relations: { copies: true }, order: { copies: { isPrimary: 'DESC', createdAt: 'ASC' } } });
  }

  async markCompleted(id: string, facts: CompletedBackupFacts): Promise<void> {
    await this.repo.update(
      { id },
      {
        ...facts,
        error: facts.error ?? null,
        completedAt: new Date(),
        verificationStatus: facts.checksum ? 'pending' : 'no_checksum',
      },
    );
  }

  async markFailed(id: string, error: string, durationMs: number): Promise<void> {
    await this.repo.update({ id }, { status: 'failed', error: error.slice(0, 4000), durationMs, completedAt: new Date() });
  }

  /** The newest backup of `type` whose files are usable. */
  latestUsable(type: BackupType): Promise<Backup | null> {
    return this.repo.findOne({ where: { type, status: In([...USABLE_BACKUP_STATUSES]) }, order: { createdAt: 'DESC' } });
  }

  /** Backups of an execution still marked `running`. */
  runningOfExecution(executionId: string): Promise<Backup[]> {
    return this.repo.find({ where: { executionId, status: 'running' }, order: { createdAt: 'ASC' } });
  }

  findByFilename(filename: string): Promise<Backup | null> {
    return this.repo.findOneBy({ filename });
  }

  /** Usable encrypted backups, oldest first: the candidates of a key rotation. */
  listEncryptedUsable(): Promise<Backup[]> {
    return this.repo.find({ where: { encrypted: true, status: In([...USABLE_BACKUP_STATUSES]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** After a key rotation replaced the stored copies: the new key, format and size, and each copy's size, together. */
  /**
   * Runs `work` holding the backup's row lock (FOR UPDATE) in a transaction, so
   * deleting, pruning and re-encrypting one backup never interleave: the row is
   * null when the backup is gone. Catalog writes that must commit with the lock
   * go through `em`.
   */
  private withRowLock<T>(id: string, work: (backup: Backup | null, em: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(async (em) =>
      work(await em.getRepository(Backup).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }), em),
    );
  }

  /**
   * Key rotation's last step, under the row lock: `replace` puts the re-encrypted
   * copies in place and returns their facts (null when it could not), which are
   * recorded in the same transaction. A backup deleted meanwhile is left alone.
   */
  replaceCopiesLocked(id: string, replace: () => Promise<ReencryptionFacts | null>): Promise<'gone' | 'recorded' | 'not_replaced'> {
    return this.withRowLock(id, async (backup, em) => {
      if (!backup) return 'gone';
      const facts = await replace();
      if (!facts) return 'not_replaced';
      const { copies, ...changes } = facts;
      await em.update(Backup, { id }, changes);
      for (const copy of copies) await em.update(BackupCopy, { backupId: id, target: copy.target }, { sizeBytes: copy.sizeBytes, checkedAt: new Date() });
      return 'recorded';
    });
  }

  /**
   * Under the row lock: `removeStored` deletes the stored copies and says whether
   * all are gone; only then is the row deleted. Null when the backup was gone already.
   */
  removeLocked(id: string, removeStored: (backup: Backup) => Promise<boolean>): Promise<boolean | null> {
    return this.withRowLock(id, async (backup, em) => {
      if (!backup) return null;
      if (!(await removeStored(backup))) return false;
      await em.getRepository(Backup).delete({ id });
      return true;
    });
  }

  /**
   * `removeLocked` for an operator's delete: refuses ('last') to remove the last
   * usable backup of its type. Deletions of one type are serialised by a
   * transaction advisory lock and the count is taken under it, so two concurrent
   * requests cannot each remove "one of the two" that are left.
   */
  removeLockedKeepingLastUsable(id: string, removeStored: (backup: Backup) => Promise<boolean>): Promise<boolean | null | 'last'> {
    return this.withRowLock(id, async (backup, em) => {
      if (!backup) return null;
      if (USABLE_BACKUP_STATUSES.includes(backup.status)) {
        await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`kanbu-backup:delete:${backup.type}`]);
        const others = await em.getRepository(Backup).countBy({ type: backup.type, status: In([...USABLE_BACKUP_STATUSES]), id: Not(id) });
        if (others === 0) return 'last';
      }
      if (!(await removeStored(backup))) return false;
      await em.getRepository(Backup).delete({ id });
      return true;
    });
  }

  /**
   * Adopts a stored file the catalog did not know (import): a completed backup
   * with one completed copy, in one transaction. Its checksum is unknown
   * (`no_checksum`) until a verification decodes it.
   */
  createImported(input: ImportedBackup): Promise<Backup> {
    return this.repo.manager.transaction(async (em) => {
      const now = new Date();
      const backup = await em.getRepository(Backup).save(
        em.getRepository(Backup).create({
          type: input.type,
          filename: input.filename,
          compression: input.compression,
          encrypted: input.encrypted,
          storage: input.target,
          trigger: 'system',
          purpose: 'regular',
          status: 'completed',
          sizeBytes: input.sizeBytes,
          checksum: null,
          verificationStatus: 'no_checksum',
          createdAt: input.createdAt,
          completedAt: now,
        }),
      );
      await em
        .getRepository(BackupCopy)
        .save(
          em
            .getRepository(BackupCopy)
            .create({ backupId: backup.id, target: input.target, location: input.location, isPrimary: true, status: 'completed', sizeBytes: input.sizeBytes }),
        );
      return backup;
    });
  }

  /** The checksum a verification computed for a backup that had none (an imported one). */
  async recordChecksum(id: string, checksum: string): Promise<void> {
    await this.repo.update({ id, checksum: IsNull() }, { checksum });
  }

  findByIds(ids: readonly string[]): Promise<Backup[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.repo.findBy({ id: In([...ids]) });
  }

  async update(id: string, changes: Partial<Pick<Backup, 'isProtected' | 'protectedUntil'>>): Promise<void> {
    await this.repo.update({ id }, changes);
  }

  async recordVerification(id: string, result: { status: VerificationStatus; error?: string | null; details?: Record<string, unknown> | null }): Promise<void> {
    const backup = await this.repo.findOneByOrFail({ id });
    backup.verificationStatus = result.status;
    backup.verificationError = result.error?.slice(0, 4000) ?? null;
    backup.verificationDetails = result.details ?? null;
    backup.verifiedAt = new Date();
    await this.repo.save(backup);
  }

  /** Usable backups that were never verified, oldest first. */
  async pendingVerification(): Promise<Backup[]> {
    return this.repo.find({ where: { verificationStatus: 'pending', status: In([...USABLE_BACKUP_STATUSES]) }, order: { createdAt: 'ASC' } });
  }

  async list(query: BackupQuery): Promise<Page<Backup>> {
    const where: FindOptionsWhere<Backup> = {};
    if (query.type) where.type = query.type;
    if (query.status) where.status = query.status;
    const result = await this.repo.findAndCount({
      where,
      order: { [query.sort]: query.order, id: query.order },
      ...skipTake(query),
    });
    return toPage(result, query);
  }

  /** Number of backups of `type` whose files are usable for a restore. */
  countUsable(type: BackupType): Promise<number> {
    return this.repo.countBy({ type, status: In([...USABLE_BACKUP_STATUSES]) });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Every backup retention decides on: those of one schedule, or (null) those of no schedule. */
  listForRetention(scheduleId: string | null): Promise<Backup[]> {
    return this.repo.find({ where: { scheduleId: scheduleId ?? IsNull() }, order: { createdAt: 'DESC' } });
  }

  /**
   * Deletes a backup unless it became protected meanwhile: the row is locked and
   * re-checked, `removeStored` deletes the stored object(s), then the row goes.
   * If removing the object fails, the row stays, so nothing is lost from the catalog.
   */
  async deleteIfUnprotected(id: string, now: Date, removeStored: (backup: Backup) => Promise<void>): Promise<boolean> {
    const removed = await this.removeLocked(id, async (backup) => {
      if (backup.isProtected || (backup.protectedUntil && backup.protectedUntil > now)) return false;
      await removeStored(backup);
      return true;
    });
    return removed === true;
  }
}

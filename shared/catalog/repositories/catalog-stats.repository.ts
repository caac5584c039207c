import { DataSource, In, IsNull, Not, Repository } from 'typeorm';
import { BackupStatus, BackupType, ExecutionKind, ExecutionStatus, USABLE_BACKUP_STATUSES, VerificationStatus } from '../../domain/types';
import { Backup, Execution, Schedule } from '../entities';

export interface Count<K extends string> {
  key: K;
  count: number;
}

export interface BackupStatusCount {
  type: BackupType;
  status: BackupStatus;
  count: number;
}

export interface ExecutionStatusCount {
  kind: ExecutionKind;
  status: ExecutionStatus;
  count: number;
}

/**
 * Read-only figures over the catalog for health reports, metrics and alert
 * rules. "Successful" means a usable backup (completed, or completed with warnings).
 */
export class CatalogStatsRepository {
  private readonly backups: Repository<Backup>;
  private readonly executions: Repository<Execution>;
  private readonly schedules: Repository<Schedule>;

  constructor(private readonly dataSource: DataSource) {
    this.backups = dataSource.getRepository(Backup);
    this.executions = dataSource.getRepository(Execution);
    this.schedules = dataSource.getRepository(Schedule);
  }

  /** The newest successful backup of each type. */
  async lastSuccessfulPerType(): Promise<Backup[]> {
    return this.backups
      .createQueryBuilder('b')
      .distinctOn(['b.type'])
      .where('b.status IN (:...usable)', { usable: USABLE_BACKUP_STATUSES })
      .orderBy('b.type')
      .addOrderBy('b.completed_at', 'DESC', 'NULLS LAST')
      .getMany();
  }

  /** The newest successful backups of a type, newest first. */
  recentSuccessful(type: BackupType, limit: number): Promise<Backup[]> {
    return this.backups.find({
      where: { type, status: In([...USABLE_BACKUP_STATUSES]), sizeBytes: Not(IsNull()) },
      order: { completedAt: 'DESC', createdAt: 'DESC' },
      take: limit,
    });
  }

  /**
   * Since when each backup type is expected to exist: its first backup attempt
   * or the creation of its first enabled schedule, whichever came first.
   */
  async monitoredSince(): Promise<Map<BackupType, Date>> {
    const rows: { type: BackupType; since: Date }[] = await this.dataSource.query(`
      SELECT type, min(since) AS since FROM (
        SELECT type, min(created_at) AS since FROM backup GROUP BY type
        UNION ALL
        SELECT type, min(created_at) AS since FROM schedule WHERE enabled GROUP BY type
      ) t GROUP BY type`);
    return new Map(rows.map((r) => [r.type, new Date(r.since)]));
  }

  async backupCounts(): Promise<BackupStatusCount[]> {
    const rows: { type: BackupType; status: BackupStatus; count: string }[] = await this.dataSource.query(
      `SELECT type, status, count(*) AS count FROM backup GROUP BY type, status ORDER BY type, status`,
    );
    return rows.map((r) => ({ type: r.type, status: r.status, count: Number(r.count) }));
  }

  /** Bytes held by successful backups, per type. */
  async storedBytesByType(): Promise<Count<BackupType>[]> {
    const rows: { type: BackupType; bytes: string }[] = await this.dataSource.query(
      `SELECT type, coalesce(sum(size_bytes), 0) AS bytes FROM backup WHERE status = ANY($1) GROUP BY type ORDER BY type`,
      [USABLE_BACKUP_STATUSES],
    );
    return rows.map((r) => ({ key: r.type, count: Number(r.bytes) }));
  }

  /** Verification state of the successful backups. */
  async verificationCounts(): Promise<Count<VerificationStatus>[]> {
    const rows: { status: VerificationStatus; count: string }[] = await this.dataSource.query(
      `SELECT verification_status AS status, count(*) AS count FROM backup WHERE status = ANY($1) GROUP BY verification_status ORDER BY 1`,
      [USABLE_BACKUP_STATUSES],
    );
    return rows.map((r) => ({ key: r.status, count: Number(r.count) }));
  }

  async lastVerifiedAt(): Promise<Date | null> {
    const rows: { at: Date | null }[] = await this.dataSource.query(`SELECT max(verified_at) AS at FROM backup WHERE verification_status = 'verified'`);
    return rows[0]?.at ? new Date(rows[0].at) : null;
  }

  lastVerificationFailure(): Promise<Backup | null> {
    return this.backups.findOne({ where: { verificationStatus: 'failed' }, order: { verifiedAt: { direction: 'DESC', nulls: 'LAST' } } });
  }

  async failedExecutionsSince(since: Date): Promise<Count<ExecutionKind>[]> {
    const rows: { kind: ExecutionKind; count: string }[] = await this.dataSource.query(
      `SELECT kind, count(*) AS count FROM execution WHERE status = 'failed' AND coalesce(finished_at, queued_at) >= $1 GROUP BY kind ORDER BY kind`,
      [since],
    );
    return rows.map((r) => ({ key: r.kind, count: Number(r.count) }));
  }

  recentFailedExecutions(since: Date, limit: number): Promise<Execution[]> {
    return this.executions
      .createQueryBuilder('e')
      .where(`e.status = 'failed'`)
      .andWhere('coalesce(e.finished_at, e.queued_at) >= :since', { since })
      .orderBy('coalesce(e.finished_at, e.queued_at)', 'DESC')
      .limit(limit)
      .getMany();
  }

  async executionCounts(): Promise<ExecutionStatusCount[]> {
    const rows: { kind: ExecutionKind; status: ExecutionStatus; count: string }[] = await this.dataSource.query(
      `SELECT kind, status, count(*) AS count FROM execution GROUP BY kind, status ORDER BY kind, status`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.count) }));
  }

  async scheduleRef(id: string): Promise<{ id: string; name: string } | null> {
    const schedule = await this.schedules.findOne({ where: { id }, select: { id: true, name: true } });
    return schedule ? { id: schedule.id, name: schedule.name } : null;
  }
}

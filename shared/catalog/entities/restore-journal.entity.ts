import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SwapOutcome, SwapStep } from '../../domain/swap-recovery';

/**
 * The journal of one restore that loads a database: which databases it works
 * on (by OID: names change during a swap), and the step it is about to take.
 * Written before each step, so a recovery after a crash knows where it stopped.
 */
@Entity('restore_journal')
@Index('idx_restore_journal_open', ['resource'], { where: '"outcome" IS NULL' })
export class RestoreJournalEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'execution_id', type: 'uuid', unique: true })
  executionId: string;

  /** The lock resource of the database server and live database (`db:<host>:<port>/<db>`). */
  @Column({ type: 'varchar', length: 512 })
  resource: string;

  /** The name the restored database ends up under: the live database's, or the chosen target's. */
  @Column({ name: 'live_name', type: 'varchar', length: 63 })
  liveName: string;

  /** OID of the database that was live when the restore started; null when there was none. */
  @Column({ name: 'live_oid', type: 'bigint', nullable: true })
  liveOid: string | null;

  @Column({ name: 'restored_name', type: 'varchar', length: 63 })
  restoredName: string;

  /** Null until the temporary database exists. */
  @Column({ name: 'restored_oid', type: 'bigint', nullable: true })
  restoredOid: string | null;

  /** What the live database is renamed to; null when there is no live database to replace. */
  @Column({ name: 'previous_name', type: 'varchar', length: 63, nullable: true })
  previousName: string | null;

  @Column({ name: 'keep_previous', type: 'boolean' })
  keepPrevious: boolean;

  /** The restored database loaded with a matching checksum and passed the table and row checks. */
  @Column({ name: 'checks_passed', type: 'boolean', default: false })
  checksPassed: boolean;

  @Column({ type: 'varchar', length: 32 })
  step: SwapStep;

  /** Null while the restore (or its recovery) has not finished. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: SwapOutcome | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

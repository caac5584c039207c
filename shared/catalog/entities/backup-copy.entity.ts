import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CopyStatus } from '../../domain/types';
import { bigintToNumber } from './bigint-transformer';
import type { Backup } from './backup.entity';

/** One row per storage target a backup was written to (primary and replicas). */
@Entity('backup_copy')
@Index('uq_backup_copy_target', ['backupId', 'target'], { unique: true })
export class BackupCopy {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'backup_id', type: 'uuid' })
  backupId: string;

  @ManyToOne('Backup', (backup: Backup) => backup.copies, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'backup_id', foreignKeyConstraintName: 'FK_backup_copy_backup' })
  backup?: Backup;

  /** Configured target name, e.g. `local`, `s3`, `gdrive`. */
  @Column({ type: 'varchar', length: 64 })
  target: string;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary: boolean;

  /** Where the object lives inside the target (file name or object key). */
  @Column({ type: 'varchar', length: 1024 })
  location: string;

  @Column({ type: 'varchar', length: 16 })
  status: CopyStatus;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintToNumber })
  sizeBytes: number | null;

  @Column({ name: 'checked_at', type: 'timestamptz', nullable: true })
  checkedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

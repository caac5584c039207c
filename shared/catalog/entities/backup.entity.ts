import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { BackupPurpose, BackupStatus, BackupType, Compression, Trigger, VerificationStatus } from '../../domain/types';
import { bigintToNumber } from './bigint-transformer';
// Type-only, and the relation named by entity, so the two entities do not import each other.
import type { BackupCopy } from './backup-copy.entity';

@Entity('backup')
@Index('idx_backup_type_status_created', ['type', 'status', 'createdAt'])
@Index('idx_backup_schedule_created', ['scheduleId', 'createdAt'])
export class Backup {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  type: BackupType;

  @Column({ type: 'varchar', length: 255, unique: true })
  filename: string;

  @Column({ type: 'varchar', length: 32 })
  status: BackupStatus;

  @Column({ type: 'varchar', length: 16, default: 'regular' })
  purpose: BackupPurpose;

  /** Size of the stored object (after compression and encryption). */
  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintToNumber })
  sizeBytes: number | null;

  /** Bytes produced by the source (pg_dump / tar) before compression. */
  @Column({ name: 'source_bytes', type: 'bigint', nullable: true, transformer: bigintToNumber })
  sourceBytes: number | null;

  /** SHA-256 (hex) of the compressed bytes, taken before encryption. */
  @Column({ type: 'char', length: 64, nullable: true })
  checksum: string | null;

  @Column({ type: 'varchar', length: 16 })
  compression: Compression;

  @Column({ type: 'boolean', default: false })
  encrypted: boolean;

  @Column({ name: 'encryption_key_id', type: 'varchar', length: 64, nullable: true })
  encryptionKeyId: string | null;

  @Column({ name: 'encryption_format', type: 'varchar', length: 16, nullable: true })
  encryptionFormat: string | null;

  /** Name of the storage target holding the primary copy. */
  @Column({ type: 'varchar', length: 64 })
  storage: string;

  @Column({ name: 'verification_status', type: 'varchar', length: 16, default: 'pending' })
  verificationStatus: VerificationStatus;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @Column({ name: 'verification_error', type: 'text', nullable: true })
  verificationError: string | null;

  @Column({ name: 'verification_details', type: 'jsonb', nullable: true })
  verificationDetails: Record<string, unknown> | null;

  @Column({ name: 'protected', type: 'boolean', default: false })
  isProtected: boolean;

  /** Retention may not delete this backup before this time (pre-restore backups). */
  @Column({ name: 'protected_until', type: 'timestamptz', nullable: true })
  protectedUntil: Date | null;

  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId: string | null;

  @Column({ name: 'execution_id', type: 'uuid', nullable: true })
  executionId: string | null;

  @Column({ type: 'varchar', length: 16 })
  trigger: Trigger;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @OneToMany('BackupCopy', (copy: BackupCopy) => copy.backup)
  copies?: BackupCopy[];
}

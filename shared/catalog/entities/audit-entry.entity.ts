import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditActorKind = 'session' | 'key';

/**
 * One mutating API request (or sign-in attempt): what was asked, of which targets, with
 * what outcome, from where and by whom. The admin key is shared, so this is the record of
 * who restored or deleted what. Actors are session ids or key fingerprints, never keys.
 */
@Entity('audit_entry')
@Index('idx_audit_entry_occurred', ['occurredAt'])
@Index('idx_audit_entry_actor', ['actorId', 'occurredAt'])
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** The URL path as requested, without the query string. */
  @Column({ type: 'varchar', length: 2048 })
  path: string;

  /** The path with ids replaced by `:id`, e.g. `/api/backups/:id/restore/confirm`: what was done. */
  @Column({ type: 'varchar', length: 2048 })
  route: string;

  /** Ids the request named (path) or created (an `executionId` in the answer). */
  @Column({ name: 'target_ids', type: 'jsonb', default: () => "'[]'" })
  targetIds: string[];

  @Column({ type: 'int' })
  status: number;

  /** The error code of a refused or failed request. */
  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ name: 'client_address', type: 'varchar', length: 64 })
  clientAddress: string;

  /** null: the request was not authenticated. */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16, nullable: true })
  actorKind: AuditActorKind | null;

  /** A session id, or the fingerprint of the key used. */
  @Column({ name: 'actor_id', type: 'varchar', length: 32, nullable: true })
  actorId: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;
}

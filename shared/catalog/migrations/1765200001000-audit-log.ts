import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log of mutating API requests and sign-ins (GET /api/audit). */
export class AuditLog1765200001000 implements MigrationInterface {
  name = 'AuditLog1765200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "method" character varying(10) NOT NULL, "path" character varying(2048) NOT NULL, "route" character varying(2048) NOT NULL, "target_ids" jsonb NOT NULL DEFAULT '[]', "status" integer NOT NULL, "error_code" character varying(64), "client_address" character varying(64) NOT NULL, "actor_kind" character varying(16), "actor_id" character varying(32), "duration_ms" integer NOT NULL, CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_audit_entry_actor" ON "audit_entry" ("actor_id", "occurred_at")`);
    await q.query(`CREATE INDEX "idx_audit_entry_occurred" ON "audit_entry" ("occurred_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_entry"`);
  }
}

import { ErrorCode } from '../../../shared/errors';
import { bulkDeleteBackups } from '../../../shared/jobs/bulk-delete-backups';
import { createLogger } from '../../../shared/logging';
import { BulkDeleteDto } from '../dto/bulk-delete.dto';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { BulkDeleteResults } from '../schemas/backup.schema';

const logger = createLogger('API');

/** `POST /api/backups/bulk-delete {"ids": [...]}`: deletes every copy of each; one result per id. */
export const bulkDeleteRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/backups/bulk-delete',
    operationId: 'bulkDeleteBackups',
    summary: 'Delete up to 100 backups from every storage target and the catalog',
    description:
      'Each id is answered once, in the order asked: `deleted`, or `refused` with the code a single DELETE would answer ' +
      `(${ErrorCode.BackupProtected}, ${ErrorCode.BackupNotCompleted}, ${ErrorCode.LastBackup}, ${ErrorCode.BackupNotFound}, ` +
      `${ErrorCode.BackupDeleteIncomplete}). The last usable backup of a type is never deleted: when the set holds every usable ` +
      'backup of a type, its newest is refused; the rule is re-checked under a lock for each deletion.',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    body: BulkDeleteDto,
    responses: { 200: { description: 'One result per distinct id', schema: BulkDeleteResults } },
    handler: async ({ runtime, body }) => {
      const results = await bulkDeleteBackups({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger }, body.ids);
      return {
        body: { results: results.map(({ id, status, ...rest }) => ({ id, status, ...('code' in rest ? { code: rest.code, message: rest.message } : {}) })) },
      };
    },
  }),
];

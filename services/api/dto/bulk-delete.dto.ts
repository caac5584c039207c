import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { BULK_DELETE_MAX_IDS } from '../../../shared/jobs/bulk-delete-backups';

export class BulkDeleteDto {
  @IsArray({ message: 'ids must be an array of backup ids' })
  @ArrayMinSize(1, { message: 'ids must name at least one backup' })
  @ArrayMaxSize(BULK_DELETE_MAX_IDS, { message: `ids may name at most ${BULK_DELETE_MAX_IDS} backups` })
  @IsUUID('all', { each: true, message: 'each of ids must be a backup id (UUID)' })
  ids: string[];
}

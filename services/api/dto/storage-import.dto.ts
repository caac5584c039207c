import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

export class StorageImportDto {
  /** A configured storage target (`local`, `s3`, `local:second`, …); default: the primary. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  target?: string;
}

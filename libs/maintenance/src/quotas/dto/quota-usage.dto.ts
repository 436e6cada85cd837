import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional } from 'class-validator';

/** SFTPGo's `QuotaUsage`: the body of the disk usage PUTs (a missing field counts as 0). */
@ApiSchema({ name: 'QuotaUsage' })
export class QuotaUsageDto {
  @ApiPropertyOptional({ type: 'integer', format: 'int64' })
  @IsOptional()
  @IsInt()
  used_quota_size?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt()
  used_quota_files?: number;
}

/** SFTPGo's `TransferQuotaUsage`: the body of the transfer usage PUT, in bytes (missing = 0). */
@ApiSchema({ name: 'TransferQuotaUsage' })
export class TransferQuotaUsageDto {
  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description: 'The value must be specified as bytes',
  })
  @IsOptional()
  @IsInt()
  used_upload_data_transfer?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description: 'The value must be specified as bytes',
  })
  @IsOptional()
  @IsInt()
  used_download_data_transfer?: number;
}

/** SFTPGo's `QuotaScan`: an active user quota scan. */
@ApiSchema({ name: 'QuotaScan' })
export class QuotaScanDto {
  @ApiProperty({ description: 'username to which the quota scan refers' })
  username: string;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    description: 'scan start time as unix timestamp in milliseconds',
  })
  start_time: number;
}

/** SFTPGo's `FolderQuotaScan`: an active folder quota scan. */
@ApiSchema({ name: 'FolderQuotaScan' })
export class FolderQuotaScanDto {
  @ApiProperty({ description: 'folder name to which the quota scan refers' })
  name: string;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    description: 'scan start time as unix timestamp in milliseconds',
  })
  start_time: number;
}

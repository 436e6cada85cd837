import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';

/** SFTPGo's `FolderRetention` schema (also the rule list of the event manager's data retention action). */
@ApiSchema({ name: 'FolderRetention' })
export class FolderRetentionDto {
  @ApiProperty({
    example: '/',
    description:
      'virtual directory path as seen by users, if no other specific retention is defined, the retention ' +
      'applies for sub directories too. For example if retention is defined for the paths "/" and "/sub" ' +
      'then the retention for "/" is applied for any file outside the "/sub" directory',
  })
  @IsString()
  path: string;

  @ApiProperty({
    type: 'integer',
    example: 24,
    description:
      'retention time in hours. All the files with a modification time older than the defined value ' +
      'will be deleted. 0 means exclude this path',
  })
  @IsInt()
  @Min(0)
  retention: number;

  @ApiPropertyOptional({ description: 'if enabled, empty directories will be deleted' })
  @IsOptional()
  @IsBoolean()
  delete_empty_dirs?: boolean;
}

/** SFTPGo's `RetentionCheck` schema: a check in progress. */
@ApiSchema({ name: 'RetentionCheck' })
export class RetentionCheckDto {
  @ApiProperty({ description: 'username to which the retention check refers' })
  username: string;

  @ApiProperty({ type: [FolderRetentionDto] })
  folders: FolderRetentionDto[];

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    description: 'check start time as unix timestamp in milliseconds',
  })
  start_time: number;
}

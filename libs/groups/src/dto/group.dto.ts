import { VirtualFolderDto } from '@app/folders';
import { FilesystemConfigDto } from '@app/storage';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';

/**
 * SFTPGo's `GroupUserSettings`: what members inherit. JSON types and ranges are checked here;
 * `permissions`, `filters` and `filesystem` are kept as objects and validated by the service with
 * SFTPGo's messages.
 */
@ApiSchema({ name: 'GroupUserSettings' })
export class GroupUserSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  home_dir?: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    description: 'Maximum number of concurrent sessions and file transfers. 0 means unlimited',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  max_sessions?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64' })
  @IsOptional()
  @IsInt()
  @Min(0)
  quota_size?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt()
  @Min(0)
  quota_files?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'hash map with directory as key and an array of permissions as value',
    example: { '/': ['*'], '/somedir': ['list', 'download'] },
  })
  @IsOptional()
  @IsObject()
  permissions?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Maximum upload bandwidth in KB/s, 0 means unlimited',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  upload_bandwidth?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Maximum download bandwidth in KB/s, 0 means unlimited',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  download_bandwidth?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Maximum data transfer allowed for uploads as MB' })
  @IsOptional()
  @IsInt()
  @Min(0)
  upload_data_transfer?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Maximum data transfer allowed for downloads as MB' })
  @IsOptional()
  @IsInt()
  @Min(0)
  download_data_transfer?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Maximum total data transfer as MB' })
  @IsOptional()
  @IsInt()
  @Min(0)
  total_data_transfer?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Account expiration in number of days from creation. 0 means no expiration',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  expires_in?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'BaseUserFilters' })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => FilesystemConfigDto })
  @IsOptional()
  @IsObject()
  filesystem?: Record<string, unknown>;
}

/** SFTPGo's `Group`: the request body of POST/PUT /groups and the response of GET. */
@ApiSchema({ name: 'Group' })
export class GroupDto {
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, readOnly: true })
  id?: number;

  @ApiProperty({ description: 'name is unique' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ description: 'optional description' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    readOnly: true,
    description: 'creation time as unix timestamp in milliseconds',
  })
  created_at?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    readOnly: true,
    description: 'last update time as unix timestamp in milliseconds',
  })
  updated_at?: number;

  @ApiPropertyOptional({ type: () => GroupUserSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupUserSettingsDto)
  user_settings?: GroupUserSettingsDto;

  // Items are validated by FoldersService.resolveVirtualFolders (SFTPGo's rules and messages).
  @ApiPropertyOptional({
    type: () => [VirtualFolderDto],
    description: 'mapping between virtual SFTPGo paths and folders',
  })
  @IsOptional()
  @IsArray()
  virtual_folders?: unknown[];

  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'list of usernames associated with this group',
  })
  users?: string[];

  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'list of admins usernames associated with this group',
  })
  admins?: string[];
}

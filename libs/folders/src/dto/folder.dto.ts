import { FilesystemConfigDto } from '@app/storage';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString } from 'class-validator';

/**
 * SFTPGo's `BaseVirtualFolder`: the request body of POST/PUT /folders and the response of GET.
 * Field rules beyond the JSON types (name, mapped_path, filesystem) are checked by the service, with
 * SFTPGo's messages.
 */
@ApiSchema({
  name: 'BaseVirtualFolder',
  description:
    'Defines the filesystem for the virtual folder and the used quota limits. The same folder can be shared ' +
    'among multiple users and each user can have different quota limits or a different virtual path.',
})
export class BaseVirtualFolderDto {
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, readOnly: true })
  id?: number;

  @ApiProperty({ description: 'unique name for this virtual folder' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ description: 'absolute filesystem path to use as virtual folder' })
  @IsOptional()
  @IsString()
  mapped_path?: string;

  @ApiPropertyOptional({ description: 'optional description' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int64' })
  @IsOptional()
  @IsInt()
  used_quota_size?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt()
  used_quota_files?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description: 'Last quota update as unix timestamp in milliseconds',
  })
  @IsOptional()
  @IsInt()
  last_quota_update?: number;

  // Read-only back-references: not validated, so the global pipe drops them from request bodies.
  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'list of usernames associated with this virtual folder',
  })
  users?: string[];

  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'list of group names associated with this virtual folder',
  })
  groups?: string[];

  // Kept as an object: FilesystemConfigService.prepare validates it with SFTPGo's messages.
  @ApiPropertyOptional({ type: () => FilesystemConfigDto })
  @IsOptional()
  @IsObject()
  filesystem?: Record<string, unknown>;
}

/** SFTPGo's `VirtualFolder`: a folder mounted in a user's or group's tree (documentation of the shape). */
@ApiSchema({
  name: 'VirtualFolder',
  description:
    'A virtual folder is a mapping between a SFTPGo virtual path and a filesystem path outside the user home ' +
    'directory. The virtual path must be absolute and cannot be "/", it must be a sub directory.',
})
export class VirtualFolderDto extends BaseVirtualFolderDto {
  @ApiProperty()
  virtual_path: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description: 'Quota as size in bytes. 0 means unlimited, -1 means included in user quota.',
  })
  quota_size?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    description: 'Quota as number of files. 0 means unlimited, -1 means included in user quota.',
  })
  quota_files?: number;

  @ApiPropertyOptional({
    maxLength: 191,
    description:
      'Re-roots the mapping: the mount at `virtual_path` serves the folder starting from this sub-path. ' +
      'Canonical POSIX path with a leading slash.',
  })
  subpath?: string;
}

import { VirtualFolderDto } from '@app/folders';
import { FilesystemConfigDto } from '@app/storage';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsArray, IsInt, IsObject, IsOptional, IsString } from 'class-validator';

const STRINGS = { type: 'array', items: { type: 'string' } } as const;

/**
 * SFTPGo's `UserFilters` (documentation only: the body's `filters` is validated by
 * `validateUserFilters` with SFTPGo's messages). `totp_config` and `recovery_codes` are read-only here.
 */
@ApiSchema({ name: 'UserFilters', description: 'Additional user options' })
export class UserFiltersDto {
  @ApiPropertyOptional({ ...STRINGS, description: 'only clients connecting from these IP/Mask are allowed' })
  allowed_ip?: string[];

  @ApiPropertyOptional({ ...STRINGS, description: 'clients connecting from these IP/Mask are not allowed' })
  denied_ip?: string[];

  @ApiPropertyOptional({ ...STRINGS, description: 'login methods that are not allowed' })
  denied_login_methods?: string[];

  @ApiPropertyOptional({ ...STRINGS, description: 'protocols that are not allowed: SSH, FTP, DAV, HTTP' })
  denied_protocols?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        allowed_patterns: STRINGS,
        denied_patterns: STRINGS,
        deny_policy: { type: 'integer', enum: [0, 1] },
      },
    },
    description: 'filters based on shell like file patterns, per directory',
  })
  file_patterns?: unknown[];

  @ApiPropertyOptional({ type: 'integer', format: 'int64', description: 'bytes, 0 means no limit' })
  max_upload_file_size?: number;

  @ApiPropertyOptional({ enum: ['None', 'CommonName'] })
  tls_username?: string;

  @ApiPropertyOptional({
    ...STRINGS,
    description: 'TLS certificates (PEM) for TLS certificate authentication',
  })
  tls_certs?: string[];

  @ApiPropertyOptional({
    type: 'object',
    properties: {
      external_auth_disabled: { type: 'boolean' },
      pre_login_disabled: { type: 'boolean' },
      check_password_disabled: { type: 'boolean' },
    },
  })
  hooks?: Record<string, boolean>;

  @ApiPropertyOptional()
  disable_fs_checks?: boolean;

  @ApiPropertyOptional({ ...STRINGS, description: 'WebClient/user REST API restrictions' })
  web_client?: string[];

  @ApiPropertyOptional({ description: 'API key authentication allows to impersonate this user' })
  allow_api_key_auth?: boolean;

  @ApiPropertyOptional({ enum: ['', 'LDAPUser', 'OSUser'] })
  user_type?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        sources: STRINGS,
        upload_bandwidth: { type: 'integer' },
        download_bandwidth: { type: 'integer' },
      },
    },
  })
  bandwidth_limits?: unknown[];

  @ApiPropertyOptional({ type: 'integer', description: 'seconds' })
  external_auth_cache_time?: number;

  @ApiPropertyOptional({ description: 'the initial directory for the user, "/" when empty' })
  start_directory?: string;

  @ApiPropertyOptional({ ...STRINGS, description: 'protocols that require two-factor authentication' })
  two_factor_protocols?: string[];

  @ApiPropertyOptional({ type: 'integer', enum: [0, 1] })
  ftp_security?: number;

  @ApiPropertyOptional()
  is_anonymous?: boolean;

  @ApiPropertyOptional({ type: 'integer', description: 'days' })
  default_shares_expiration?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'days' })
  max_shares_expiration?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'days' })
  password_expiration?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'minimum password entropy' })
  password_strength?: number;

  @ApiPropertyOptional({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        day_of_week: { type: 'integer', minimum: 0, maximum: 6 },
        from: { type: 'string' },
        to: { type: 'string' },
      },
    },
  })
  access_time?: unknown[];

  @ApiPropertyOptional()
  require_password_change?: boolean;

  @ApiPropertyOptional(STRINGS)
  additional_emails?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, readOnly: true })
  totp_config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, readOnly: true })
  recovery_codes?: unknown[];
}

/** SFTPGo's `GroupMapping`: a user's membership of a group. */
@ApiSchema({ name: 'GroupMapping' })
export class GroupMappingDto {
  @ApiProperty({ description: 'group name' })
  name: string;

  @ApiProperty({
    enum: [1, 2, 3],
    description:
      'Group type: 1 primary group, 2 secondary group, 3 membership only, no settings are inherited from this group type',
  })
  type: number;
}

/**
 * SFTPGo's `User`: the request body of POST/PUT and the response of GET. Types are checked here; the
 * rules (and the nested objects) are checked by the service with SFTPGo's messages.
 */
@ApiSchema({ name: 'User' })
export class UserDto {
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, readOnly: true })
  id?: number;

  @ApiPropertyOptional({
    enum: [0, 1],
    description: 'status: 0 user is disabled, login is not allowed; 1 user is enabled',
  })
  @IsOptional()
  @IsInt()
  status?: number;

  @ApiProperty({ description: 'username is unique' })
  @IsOptional()
  @IsString()
  username?: string;

  @ApiPropertyOptional({ format: 'email' })
  @IsOptional()
  @IsString()
  email?: string | null;

  @ApiPropertyOptional({ description: 'optional description, for example the user full name' })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description:
      'expiration date as unix timestamp in milliseconds. An expired account cannot login. 0 means no expiration',
  })
  @IsOptional()
  @IsInt()
  expiration_date?: number | null;

  @ApiPropertyOptional({
    format: 'password',
    description:
      'If the password has no known hashing algo prefix it will be stored hashed. A password hashed as bcrypt, ' +
      'argon2id, pbkdf2 or unix crypt is stored as is. Omitted when you search/get users',
  })
  @IsOptional()
  @IsString()
  password?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'Public keys in OpenSSH format.' })
  @IsOptional()
  @IsArray()
  public_keys?: unknown[] | null;

  @ApiPropertyOptional({ readOnly: true, description: 'Indicates whether the password is set' })
  has_password?: boolean;

  @ApiPropertyOptional({ description: 'path to the user home directory. Must be an absolute path' })
  @IsOptional()
  @IsString()
  home_dir?: string | null;

  @ApiPropertyOptional({
    type: [VirtualFolderDto],
    description: 'mapping between virtual SFTPGo paths and virtual folders',
  })
  @IsOptional()
  @IsArray()
  virtual_folders?: unknown[] | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 })
  @IsOptional()
  @IsInt()
  uid?: number | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 })
  @IsOptional()
  @IsInt()
  gid?: number | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', description: '0 means unlimited' })
  @IsOptional()
  @IsInt()
  max_sessions?: number | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', description: 'bytes, 0 means unlimited' })
  @IsOptional()
  @IsInt()
  quota_size?: number | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', description: '0 means unlimited' })
  @IsOptional()
  @IsInt()
  quota_files?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'directory -> permissions; permissions for the root directory ("/") are required',
    example: { '/': ['*'], '/somedir': ['list', 'download'] },
  })
  @IsOptional()
  @IsObject()
  permissions?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  used_quota_size?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', readOnly: true })
  used_quota_files?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  last_quota_update?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'KB/s, 0 means unlimited' })
  @IsOptional()
  @IsInt()
  upload_bandwidth?: number | null;

  @ApiPropertyOptional({ type: 'integer', description: 'KB/s, 0 means unlimited' })
  @IsOptional()
  @IsInt()
  download_bandwidth?: number | null;

  @ApiPropertyOptional({ type: 'integer', description: 'MB, 0 means no limit' })
  @IsOptional()
  @IsInt()
  upload_data_transfer?: number | null;

  @ApiPropertyOptional({ type: 'integer', description: 'MB, 0 means no limit' })
  @IsOptional()
  @IsInt()
  download_data_transfer?: number | null;

  @ApiPropertyOptional({ type: 'integer', description: 'MB, 0 means unlimited' })
  @IsOptional()
  @IsInt()
  total_data_transfer?: number | null;

  @ApiPropertyOptional({ type: 'integer', readOnly: true })
  used_upload_data_transfer?: number;

  @ApiPropertyOptional({ type: 'integer', readOnly: true })
  used_download_data_transfer?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  created_at?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  updated_at?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  last_login?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  first_download?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  first_upload?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true })
  last_password_change?: number;

  @ApiPropertyOptional({ type: UserFiltersDto })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: FilesystemConfigDto })
  @IsOptional()
  @IsObject()
  filesystem?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Free form text field for external systems' })
  @IsOptional()
  @IsString()
  additional_info?: string | null;

  @ApiPropertyOptional({ type: [GroupMappingDto] })
  @IsOptional()
  @IsArray()
  groups?: unknown[] | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  role?: string | null;
}

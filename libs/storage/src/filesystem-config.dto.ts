import { SecretDto } from '@app/kms';
import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { FsProvider } from './filesystem-config.types';

// OpenAPI documentation of the FilesystemConfig family under SFTPGo's schema names. Request bodies keep
// `filesystem` as a plain object: FilesystemConfigService.prepare validates it with SFTPGo's messages.

const KEY_PREFIX =
  'key_prefix is similar to a chroot directory for a local filesystem. If specified the user will only see ' +
  'contents that starts with this prefix. The prefix is normalized on save: a leading "/" is removed and a ' +
  'trailing "/" is added; a non-empty value that resolves to the storage root is rejected';
const EQUALITY_CHECK_MODE =
  'How to check if two configs point to the same server: 0 username and endpoint must match, 1 only the ' +
  'endpoint must match';

/** OpenAPI `OSFsConfig`. */
@ApiSchema({ name: 'OSFsConfig' })
export class OsFsConfigDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10, description: 'Read buffer size in MB' })
  read_buffer_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10, description: 'Write buffer size in MB' })
  write_buffer_size?: number;
}

/** OpenAPI `S3Config`. */
@ApiSchema({ name: 'S3Config', description: 'S3 Compatible Object Storage configuration details' })
export class S3ConfigDto {
  @ApiPropertyOptional({ minLength: 1 })
  bucket?: string;

  @ApiPropertyOptional({ description: 'Required unless the endpoint carries it' })
  region?: string;

  @ApiPropertyOptional()
  access_key?: string;

  @ApiPropertyOptional({ type: () => SecretDto })
  access_secret?: SecretDto;

  @ApiPropertyOptional({
    type: () => SecretDto,
    description: 'Customer-provided key for SSE-C; a Plain value must pass "common.secret_min_entropy"',
  })
  sse_customer_key?: SecretDto;

  @ApiPropertyOptional({ description: 'Optional IAM Role ARN to assume' })
  role_arn?: string;

  @ApiPropertyOptional({ description: 'Optional session token (temporary credentials)' })
  session_token?: string;

  @ApiPropertyOptional({ description: 'optional endpoint' })
  endpoint?: string;

  @ApiPropertyOptional()
  storage_class?: string;

  @ApiPropertyOptional({ description: 'The canned ACL to apply to uploaded objects' })
  acl?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'MB; 0 = SDK default, else 5..2000' })
  upload_part_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 64 })
  upload_concurrency?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Seconds; 0 = no timeout' })
  upload_part_max_time?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'MB; 0 = SDK default, else 5..2000' })
  download_part_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 64 })
  download_concurrency?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Seconds; 0 = no timeout' })
  download_part_max_time?: number;

  @ApiPropertyOptional()
  force_path_style?: boolean;

  @ApiPropertyOptional()
  skip_tls_verify?: boolean;

  @ApiPropertyOptional({ description: KEY_PREFIX, example: 'folder/subfolder/' })
  key_prefix?: string;
}

/** OpenAPI `GCSConfig`. */
@ApiSchema({ name: 'GCSConfig', description: 'Google Cloud Storage configuration details' })
export class GcsConfigDto {
  @ApiPropertyOptional({ minLength: 1 })
  bucket?: string;

  @ApiPropertyOptional({ type: () => SecretDto })
  credentials?: SecretDto;

  @ApiPropertyOptional({
    type: 'integer',
    enum: [0, 1],
    description: '0 explicit credentials, 1 Application Default Credentials',
  })
  automatic_credentials?: number;

  @ApiPropertyOptional()
  storage_class?: string;

  @ApiPropertyOptional()
  acl?: string;

  @ApiPropertyOptional({ description: KEY_PREFIX, example: 'folder/subfolder/' })
  key_prefix?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'MB; 0 = default (16)' })
  upload_part_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Seconds; 0 = default (32)' })
  upload_part_max_time?: number;
}

/** OpenAPI `AzureBlobFsConfig`. */
@ApiSchema({ name: 'AzureBlobFsConfig', description: 'Azure Blob Storage configuration details' })
export class AzureBlobFsConfigDto {
  @ApiPropertyOptional()
  container?: string;

  @ApiPropertyOptional({ description: 'Storage Account Name, leave blank to use SAS URL' })
  account_name?: string;

  @ApiPropertyOptional({ type: () => SecretDto })
  account_key?: SecretDto;

  @ApiPropertyOptional({ type: () => SecretDto })
  sas_url?: SecretDto;

  @ApiPropertyOptional({ description: 'optional endpoint, default "blob.core.windows.net"' })
  endpoint?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, description: 'MB; 0 = default (5)' })
  upload_part_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 64 })
  upload_concurrency?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, description: 'MB; 0 = default (5)' })
  download_part_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 64 })
  download_concurrency?: number;

  @ApiPropertyOptional({ enum: ['', 'Archive', 'Hot', 'Cool'] })
  access_tier?: string;

  @ApiPropertyOptional({ description: KEY_PREFIX, example: 'folder/subfolder/' })
  key_prefix?: string;

  @ApiPropertyOptional()
  use_emulator?: boolean;
}

/** OpenAPI `CryptFsConfig`. */
@ApiSchema({ name: 'CryptFsConfig', description: 'Crypt filesystem configuration details' })
export class CryptFsConfigDto {
  @ApiPropertyOptional({
    type: () => SecretDto,
    description: 'Master passphrase; a Plain value must pass "common.secret_min_entropy"',
  })
  passphrase?: SecretDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10 })
  read_buffer_size?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10 })
  write_buffer_size?: number;
}

/** OpenAPI `SFTPFsConfig`. */
@ApiSchema({ name: 'SFTPFsConfig' })
export class SftpFsConfigDto {
  @ApiPropertyOptional({ description: 'remote SFTP endpoint as host:port' })
  endpoint?: string;

  @ApiPropertyOptional()
  username?: string;

  @ApiPropertyOptional({ type: () => SecretDto })
  password?: SecretDto;

  @ApiPropertyOptional({ type: () => SecretDto })
  private_key?: SecretDto;

  @ApiPropertyOptional({ type: () => SecretDto })
  key_passphrase?: SecretDto;

  @ApiPropertyOptional({ type: [String], description: 'SHA256 fingerprints for host key verification' })
  fingerprints?: string[];

  @ApiPropertyOptional({ description: 'Restrict all operations to this remote path' })
  prefix?: string;

  @ApiPropertyOptional()
  disable_concurrent_reads?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 16, example: 2 })
  buffer_size?: number;

  @ApiPropertyOptional({ type: 'integer', enum: [0, 1], description: EQUALITY_CHECK_MODE })
  equality_check_mode?: number;
}

/** OpenAPI `HTTPFsConfig`. */
@ApiSchema({ name: 'HTTPFsConfig' })
export class HttpFsConfigDto {
  @ApiPropertyOptional({ description: 'HTTP/S endpoint URL' })
  endpoint?: string;

  @ApiPropertyOptional()
  username?: string;

  @ApiPropertyOptional({ type: () => SecretDto })
  password?: SecretDto;

  @ApiPropertyOptional({ type: () => SecretDto })
  api_key?: SecretDto;

  @ApiPropertyOptional()
  skip_tls_verify?: boolean;

  @ApiPropertyOptional({ type: 'integer', enum: [0, 1], description: EQUALITY_CHECK_MODE })
  equality_check_mode?: number;
}

/** OpenAPI `FilesystemConfig`; reference it from other DTOs with `@ApiProperty({ type: () => FilesystemConfigDto })`. */
@ApiSchema({ name: 'FilesystemConfig', description: 'Storage filesystem details' })
export class FilesystemConfigDto {
  @ApiPropertyOptional({
    type: 'integer',
    enum: FsProvider,
    enumName: 'FsProviders',
    description:
      '0 local filesystem, 1 S3 compatible, 2 Google Cloud Storage, 3 Azure Blob Storage, ' +
      '4 local filesystem encrypted, 5 SFTP, 6 HTTP filesystem',
  })
  provider?: FsProvider;

  @ApiPropertyOptional({ type: () => OsFsConfigDto })
  osconfig?: OsFsConfigDto;

  @ApiPropertyOptional({ type: () => S3ConfigDto })
  s3config?: S3ConfigDto;

  @ApiPropertyOptional({ type: () => GcsConfigDto })
  gcsconfig?: GcsConfigDto;

  @ApiPropertyOptional({ type: () => AzureBlobFsConfigDto })
  azblobconfig?: AzureBlobFsConfigDto;

  @ApiPropertyOptional({ type: () => CryptFsConfigDto })
  cryptconfig?: CryptFsConfigDto;

  @ApiPropertyOptional({ type: () => SftpFsConfigDto })
  sftpconfig?: SftpFsConfigDto;

  @ApiPropertyOptional({ type: () => HttpFsConfigDto })
  httpconfig?: HttpFsConfigDto;
}

import type { Secret } from '@app/kms';

/** `FsProviders`: 0 local, 1 S3, 2 GCS, 3 Azure Blob, 4 local encrypted, 5 SFTP, 6 HTTP. */
export enum FsProvider {
  Local = 0,
  S3 = 1,
  GCS = 2,
  AzureBlob = 3,
  Crypt = 4,
  SFTP = 5,
  HTTP = 6,
}

/** `OSFsConfig`. */
export interface OsFsConfig {
  read_buffer_size?: number;
  write_buffer_size?: number;
}

/** `S3Config`. */
export interface S3FsConfig {
  bucket?: string;
  region?: string;
  access_key?: string;
  access_secret?: Secret;
  sse_customer_key?: Secret;
  role_arn?: string;
  session_token?: string;
  endpoint?: string;
  storage_class?: string;
  acl?: string;
  upload_part_size?: number;
  upload_concurrency?: number;
  upload_part_max_time?: number;
  download_part_size?: number;
  download_concurrency?: number;
  download_part_max_time?: number;
  force_path_style?: boolean;
  skip_tls_verify?: boolean;
  key_prefix?: string;
}

/** `GCSConfig`. */
export interface GcsFsConfig {
  bucket?: string;
  credentials?: Secret;
  automatic_credentials?: number;
  storage_class?: string;
  acl?: string;
  key_prefix?: string;
  upload_part_size?: number;
  upload_part_max_time?: number;
}

/** `AzureBlobFsConfig`. */
export interface AzBlobFsConfig {
  container?: string;
  account_name?: string;
  account_key?: Secret;
  sas_url?: Secret;
  endpoint?: string;
  upload_part_size?: number;
  upload_concurrency?: number;
  download_part_size?: number;
  download_concurrency?: number;
  access_tier?: string;
  key_prefix?: string;
  use_emulator?: boolean;
}

/** `CryptFsConfig`. */
export interface CryptFsConfig {
  passphrase?: Secret;
  read_buffer_size?: number;
  write_buffer_size?: number;
}

/** `SFTPFsConfig`. */
export interface SftpFsConfig {
  endpoint?: string;
  username?: string;
  password?: Secret;
  private_key?: Secret;
  key_passphrase?: Secret;
  fingerprints?: string[];
  prefix?: string;
  disable_concurrent_reads?: boolean;
  buffer_size?: number;
  equality_check_mode?: number;
}

/** `HTTPFsConfig`. */
export interface HttpFsConfig {
  endpoint?: string;
  username?: string;
  password?: Secret;
  api_key?: Secret;
  skip_tls_verify?: boolean;
  equality_check_mode?: number;
}

/** `FilesystemConfig`: the provider and its settings (only the selected provider's are kept). */
export interface FilesystemConfig {
  provider: FsProvider;
  osconfig?: OsFsConfig;
  s3config?: S3FsConfig;
  gcsconfig?: GcsFsConfig;
  azblobconfig?: AzBlobFsConfig;
  cryptconfig?: CryptFsConfig;
  sftpconfig?: SftpFsConfig;
  httpconfig?: HttpFsConfig;
}

/** A local filesystem with no settings: what a user or folder has when none is given. */
export function defaultFilesystem(): FilesystemConfig {
  return { provider: FsProvider.Local };
}

/** `FilesystemConfig` as sent: `provider` and every sub-object (`{}` when unused), secrets hidden. */
export interface FilesystemConfigWire {
  provider: FsProvider;
  osconfig: OsFsConfig;
  s3config: S3FsConfig;
  gcsconfig: GcsFsConfig;
  azblobconfig: AzBlobFsConfig;
  cryptconfig: CryptFsConfig;
  sftpconfig: SftpFsConfig;
  httpconfig: HttpFsConfig;
}

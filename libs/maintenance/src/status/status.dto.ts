import { ApiProperty, type ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';

/** A list this server never fills (it runs no SSH, FTP or WebDAV service): always null, as SFTPGo's nil slices. */
const ALWAYS_NULL: ApiPropertyOptions = { type: 'array', items: { type: 'object' }, nullable: true };
const NULL_STRINGS: ApiPropertyOptions = { type: [String], nullable: true };

/** SFTPGo's `SSHServiceStatus`: never active here, every list null (Go's nil slices, no `omitempty`). */
@ApiSchema({ name: 'SSHServiceStatus' })
export class SshServiceStatusDto {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ ...ALWAYS_NULL, description: 'SSHBinding objects; null: no SSH service' })
  bindings: null;

  @ApiProperty(NULL_STRINGS)
  ssh_commands: null;

  @ApiProperty({ ...ALWAYS_NULL, description: 'SSHHostKey objects; null: no SSH service' })
  host_keys: null;

  @ApiProperty(NULL_STRINGS)
  authentications: null;

  @ApiProperty(NULL_STRINGS)
  macs: null;

  @ApiProperty(NULL_STRINGS)
  kex_algorithms: null;

  @ApiProperty(NULL_STRINGS)
  ciphers: null;

  @ApiProperty(NULL_STRINGS)
  public_key_algorithms: null;
}

/** SFTPGo's `FTPPassivePortRange`. */
@ApiSchema({ name: 'FTPPassivePortRange' })
export class FtpPassivePortRangeDto {
  @ApiProperty()
  start: number;

  @ApiProperty()
  end: number;
}

/** SFTPGo's `FTPServiceStatus`: never active here. */
@ApiSchema({ name: 'FTPServiceStatus' })
export class FtpServiceStatusDto {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ ...ALWAYS_NULL, description: 'FTPDBinding objects; null: no FTP service' })
  bindings: null;

  @ApiProperty({ type: FtpPassivePortRangeDto })
  passive_port_range: FtpPassivePortRangeDto;
}

/** SFTPGo's `WebDAVServiceStatus`: never active here. */
@ApiSchema({ name: 'WebDAVServiceStatus' })
export class WebDavServiceStatusDto {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ ...ALWAYS_NULL, description: 'WebDAVBinding objects; null: no WebDAV service' })
  bindings: null;
}

/** SFTPGo's `DataProviderStatus`. */
@ApiSchema({ name: 'DataProviderStatus' })
export class DataProviderStatusDto {
  @ApiProperty({ description: 'true when the database answered a ping just now' })
  is_active: boolean;

  @ApiProperty({ enum: ['sqlite', 'mysql', 'postgresql'] })
  driver: string;

  @ApiProperty({ description: 'why the ping failed; empty when active' })
  error: string;
}

/** SFTPGo's `MFAStatus`: this server has no multi-factor authentication. */
@ApiSchema({ name: 'MFAStatus' })
export class MfaStatusDto {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ ...ALWAYS_NULL, description: 'TOTPConfig objects; null: no MFA' })
  totp_configs: null;
}

/** `is_active` alone (SFTPGo's defender and allow list entries). */
export class ActiveFlagDto {
  @ApiProperty()
  is_active: boolean;
}

/** The `rate_limiters` entry. */
export class RateLimitersStatusDto {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ type: [String], nullable: true, example: ['HTTP'], description: 'null when none is active' })
  protocols: string[] | null;
}

/** SFTPGo's `ServicesStatus` (`GET /api/v2/status`). */
@ApiSchema({ name: 'ServicesStatus' })
export class ServicesStatusDto {
  @ApiProperty({ type: SshServiceStatusDto })
  ssh: SshServiceStatusDto;

  @ApiProperty({ type: FtpServiceStatusDto })
  ftp: FtpServiceStatusDto;

  @ApiProperty({ type: WebDavServiceStatusDto })
  webdav: WebDavServiceStatusDto;

  @ApiProperty({ type: DataProviderStatusDto })
  data_provider: DataProviderStatusDto;

  @ApiProperty({ type: ActiveFlagDto })
  defender: ActiveFlagDto;

  @ApiProperty({ type: MfaStatusDto })
  mfa: MfaStatusDto;

  @ApiProperty({ type: ActiveFlagDto })
  allow_list: ActiveFlagDto;

  @ApiProperty({ type: RateLimitersStatusDto })
  rate_limiters: RateLimitersStatusDto;
}

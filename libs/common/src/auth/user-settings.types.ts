/** A per-path permission map: `{"/": ["*"], "/dir": ["list", "download"]}`. */
export type PermissionMap = Record<string, string[]>;

/** `PatternsFilter`. */
export interface PatternsFilter {
  path: string;
  allowed_patterns?: string[];
  denied_patterns?: string[];
  deny_policy?: number;
}

/** `BandwidthLimit`. */
export interface BandwidthLimit {
  sources: string[];
  upload_bandwidth?: number;
  download_bandwidth?: number;
}

/** `TimePeriod` (access_time). */
export interface TimePeriod {
  day_of_week: number;
  from: string;
  to: string;
}

/** `BaseUserFilters`: the filters a group can carry too. */
export interface BaseUserFilters {
  allowed_ip?: string[];
  denied_ip?: string[];
  denied_login_methods?: string[];
  denied_protocols?: string[];
  file_patterns?: PatternsFilter[];
  max_upload_file_size?: number;
  tls_username?: string;
  tls_certs?: string[];
  hooks?: {
    external_auth_disabled?: boolean;
    pre_login_disabled?: boolean;
    check_password_disabled?: boolean;
  };
  disable_fs_checks?: boolean;
  web_client?: string[];
  allow_api_key_auth?: boolean;
  user_type?: string;
  bandwidth_limits?: BandwidthLimit[];
  external_auth_cache_time?: number;
  start_directory?: string;
  two_factor_protocols?: string[];
  ftp_security?: number;
  is_anonymous?: boolean;
  default_shares_expiration?: number;
  max_shares_expiration?: number;
  password_expiration?: number;
  password_strength?: number;
  access_time?: TimePeriod[];
}

/** `UserFilters`: base filters plus the user-only ones. */
export interface UserFilters extends BaseUserFilters {
  require_password_change?: boolean;
  additional_emails?: string[];
  totp_config?: {
    enabled?: boolean;
    config_name?: string;
    secret?: Record<string, unknown>;
    protocols?: string[];
  };
  recovery_codes?: { secret?: Record<string, unknown>; used?: boolean }[];
}

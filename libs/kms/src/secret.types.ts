/** SFTPGo's `Secret` schema as stored and sent: encrypted at rest, never returned in clear. */
export interface Secret {
  status?: string;
  payload?: string;
  key?: string;
  additional_data?: string;
  mode?: number;
}

/** SFTPGo's secret statuses (`kms.go`); we encrypt with `AES-256-GCM`, the others can be imported. */
export enum SecretStatus {
  Plain = 'Plain',
  AES256GCM = 'AES-256-GCM',
  Secretbox = 'Secretbox',
  GCP = 'GCP',
  AWS = 'AWS',
  VaultTransit = 'VaultTransit',
  AzureKeyVault = 'AzureKeyVault',
  OracleKeyVault = 'OracleKeyVault',
  Redacted = 'Redacted',
}

/** Statuses of an encrypted secret (every status except Plain and Redacted). */
export const ENCRYPTED_SECRET_STATUSES: readonly string[] = [
  SecretStatus.AES256GCM,
  SecretStatus.Secretbox,
  SecretStatus.GCP,
  SecretStatus.AWS,
  SecretStatus.VaultTransit,
  SecretStatus.AzureKeyVault,
  SecretStatus.OracleKeyVault,
];

/** SFTPGo's `Secret` schema as stored and sent: encrypted at rest, never returned in clear. */
export interface Secret {
  status?: string;
  payload?: string;
  key?: string;
  additional_data?: string;
  mode?: number;
}

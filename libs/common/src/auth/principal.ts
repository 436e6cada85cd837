/** How a request proved who it is. */
export type AuthMethod = 'jwt' | 'api_key';

/** The authenticated caller, attached to the request by the authentication guard. */
export interface Principal {
  kind: 'admin' | 'user';
  username: string;
  /** Admin permissions (fresh from the account, not from the token). */
  permissions: string[];
  /** Role name, "" when none. */
  role: string;
  authMethod: AuthMethod;
  /** The bearer token, when authenticated by one: its SHA-256 and its expiry (epoch ms). */
  token?: { hash: string; expiresAt: number };
  /** The account must change its password before using permission-guarded routes. */
  mustChangePassword?: boolean;
}

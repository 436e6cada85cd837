import type { ShareEntity } from './entities/share.entity';

/** What SFTPGo sends in place of a share's password hash. */
export const REDACTED_SHARE_PASSWORD = '[**redacted**]';

/** A share as SFTPGo sends it, in its field order: optional fields omitted when empty, never the hash. */
export interface ShareWire {
  id: string;
  name: string;
  description?: string;
  scope: number;
  paths: string[];
  username: string;
  created_at: number;
  updated_at: number;
  last_use_at?: number;
  expires_at?: number;
  /** `""` or `"[**redacted**]"` (the hash in a dump). */
  password: string;
  max_tokens?: number;
  used_tokens?: number;
  allow_from?: string[];
}

/**
 * The wire JSON of `share` owned by `username`; the password hash is replaced by the redacted marker,
 * except with `withHash` (`/dumpdata`: SFTPGo's dump is not redacted).
 */
export function shareToWire(share: ShareEntity, username: string, withHash = false): ShareWire {
  return {
    id: share.shareId,
    name: share.name,
    ...(share.description ? { description: share.description } : {}),
    scope: share.scope,
    paths: [...share.paths],
    username,
    created_at: share.createdAt,
    updated_at: share.updatedAt,
    ...(share.lastUseAt > 0 ? { last_use_at: share.lastUseAt } : {}),
    ...(share.expiresAt > 0 ? { expires_at: share.expiresAt } : {}),
    password: withHash ? (share.password ?? '') : share.password ? REDACTED_SHARE_PASSWORD : '',
    ...(share.maxTokens > 0 ? { max_tokens: share.maxTokens } : {}),
    ...(share.usedTokens > 0 ? { used_tokens: share.usedTokens } : {}),
    ...(share.allowFrom?.length ? { allow_from: [...share.allowFrom] } : {}),
  };
}

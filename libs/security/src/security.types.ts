/** IP list types (SFTPGo's `IPListType`). */
export enum IpListType {
  /** Only listed addresses may connect, when `common.allowlist_status` is 1. */
  AllowList = 1,
  /** Defender: mode 1 never banned (safe), mode 2 always banned. */
  Defender = 2,
  /** Addresses the rate limiters skip (mode 1 only). */
  RateLimiterSafeList = 3,
}

/** IP list entry modes. */
export enum IpListMode {
  Allow = 1,
  /** Only valid for the defender list. */
  Deny = 2,
}

/** Protocol bits of an IP list entry (0 = all). This server only speaks HTTP. */
export const IpListProtocol = { SSH: 1, FTP: 2, DAV: 4, HTTP: 8 } as const;

/** What a failed or suspicious event weighs for the defender (SFTPGo's `HostEvent`). */
export type DefenderEventKind = 'LoginFailed' | 'UserNotFound' | 'LimitExceeded' | 'NoLoginTried';

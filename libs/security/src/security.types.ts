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

/**
 * Which IP list mode applies to an address: the matching entry with the longest prefix among those of
 * `type` whose protocols include `protocol` (default HTTP); undefined when none matches. Synchronous
 * and fast (the lists are held in memory): the gate calls it on every request.
 */
export abstract class IpListMatcher {
  abstract modeFor(type: IpListType, ip: string, protocol?: number): IpListMode | undefined;
}

/** The defender as the rest of the server sees it. */
export abstract class Defender {
  /** True while `ip` is banned (or on the defender deny list); a hit may extend the ban (SFTPGo). */
  abstract isBanned(ip: string): boolean | Promise<boolean>;
  /** Scores an event of `ip` (ignored when the defender is off or `ip` is safe-listed). */
  abstract addEvent(ip: string, kind: DefenderEventKind): void | Promise<void>;
}

/** What the rate limiters decided for one request. */
export type RateLimitResult =
  | { allowed: true }
  | {
      allowed: false;
      /** How long the client should wait. */
      retryAfterMs: number;
      /** SFTPGo's `error` text ("rate limit exceed, wait time to respect rate ..."). */
      error: string;
    };

/** The rate limiters (`common.rate_limiters`), applied by the gate to every HTTP request. */
export abstract class RateLimiter {
  /** May wait (SFTPGo sleeps when the wait is short), then allows or refuses. */
  abstract limit(ip: string): Promise<RateLimitResult>;
}

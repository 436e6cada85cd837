import { ApiError } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { Defender, IpListMatcher, IpListMode, IpListType, RateLimiter } from './security.types';

/**
 * What every request goes through before any other work, in SFTPGo's order (`checkConnection`): the
 * allow list (when `common.allowlist_status` is 1), the defender's bans, then the rate limiters.
 * Returns the refusal to send, or undefined to go on.
 */
@Injectable()
export class SecurityGate {
  private readonly allowListOn: boolean;

  constructor(
    @InjectConfig() config: SftpgoConfig,
    private readonly lists: IpListMatcher,
    private readonly defender: Defender,
    private readonly limiter: RateLimiter,
  ) {
    this.allowListOn = config.common.allowlist_status === 1;
  }

  async check(ip: string): Promise<ApiError | undefined> {
    if (this.allowListOn && this.lists.modeFor(IpListType.AllowList, ip) !== IpListMode.Allow) {
      return new ApiError(403, 'you are not allowed to connect', 'Forbidden');
    }
    if (await this.defender.isBanned(ip)) return new ApiError(403, 'your IP address is blocked', '');
    const limited = await this.limiter.limit(ip);
    if (!limited.allowed) {
      // SFTPGo: the delay rounded up by half a second, in seconds and as a Go duration.
      const seconds = (limited.retryAfterMs + 499.999999) / 1000;
      return new ApiError(429, limited.error, 'Too Many Requests', {
        'retry-after': seconds.toFixed(0),
        'x-retry-in': goDuration(limited.retryAfterMs + 499.999999),
      });
    }
    return undefined;
  }
}

/** Go's `time.Duration.String()` for a positive number of milliseconds (e.g. `1.4999s`, `250ms`). */
export function goDuration(ms: number): string {
  if (ms < 1) return `${trim((ms * 1000).toFixed(3))}µs`;
  if (ms < 1000) return `${trim(ms.toFixed(6))}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = `${trim(s.toFixed(9))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

function trim(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

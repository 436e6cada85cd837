import type { HttpSecurityConfig } from '@app/config';

/** A request as the security rules read it. */
export interface SecurityRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What the security rules decided: refuse, redirect, or go on with these response headers. */
export type SecurityOutcome =
  | { kind: 'bad-host'; host: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'continue'; headers: Record<string, string> };

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** SFTPGo's cache control for `cache_control: private`. */
export const PRIVATE_CACHE_CONTROL = 'no-cache, no-store, max-age=0, must-revalidate, private';

/**
 * A binding's `security` section, as SFTPGo's unrolled/secure middleware applies it: the host check
 * (`allowed_hosts`, read from `hosts_proxy_headers` first), the HTTPS redirect, then the headers
 * (HSTS only on HTTPS, direct or as `https_proxy_headers` say). Beyond SFTPGo: `X-Frame-Options:
 * DENY` (SFTPGo does not set it; nothing of this API is meant to be framed).
 */
export class SecurityPolicy {
  private readonly hostPatterns: RegExp[];

  constructor(private readonly config: HttpSecurityConfig) {
    this.hostPatterns = config.allowed_hosts_are_regex ? config.allowed_hosts.map((h) => new RegExp(h)) : [];
  }

  /** The decision for one request received over TLS (`tls`) or not. */
  handle(request: SecurityRequest, tls: boolean): SecurityOutcome {
    const c = this.config;
    let host = first(request.headers.host);
    for (const name of c.hosts_proxy_headers) {
      const value = first(request.headers[name.toLowerCase()]);
      if (value) {
        host = value;
        break;
      }
    }
    if (c.allowed_hosts.length > 0 && !this.hostAllowed(host)) return { kind: 'bad-host', host };
    const secure =
      tls || c.https_proxy_headers.some((h) => first(request.headers[h.key.toLowerCase()]) === h.value);
    if (c.https_redirect && !secure) {
      return { kind: 'redirect', location: `https://${c.https_host || host}${request.url}` };
    }
    const headers: Record<string, string> = { 'x-frame-options': 'DENY' };
    if (c.sts_seconds > 0 && secure) {
      let sts = `max-age=${c.sts_seconds}`;
      if (c.sts_include_subdomains) sts += '; includeSubDomains';
      if (c.sts_preload) sts += '; preload';
      headers['strict-transport-security'] = sts;
    }
    if (c.content_type_nosniff) headers['x-content-type-options'] = 'nosniff';
    if (c.content_security_policy) headers['content-security-policy'] = c.content_security_policy;
    if (c.permissions_policy) headers['permissions-policy'] = c.permissions_policy;
    if (c.cross_origin_opener_policy) headers['cross-origin-opener-policy'] = c.cross_origin_opener_policy;
    if (c.cache_control === 'private') headers['cache-control'] = PRIVATE_CACHE_CONTROL;
    return { kind: 'continue', headers };
  }

  private hostAllowed(host: string): boolean {
    if (this.config.allowed_hosts_are_regex) return this.hostPatterns.some((re) => re.test(host));
    const lower = host.toLowerCase();
    return this.config.allowed_hosts.some((h) => h.toLowerCase() === lower);
  }
}

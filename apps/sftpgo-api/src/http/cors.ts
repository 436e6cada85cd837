import type { HttpCorsConfig } from '@app/config';

/** What the CORS handling decided for one request. */
export interface CorsOutcome {
  /** Response headers to add (possibly none: a refused origin gets only `Vary`). */
  headers: Record<string, string>;
  /** A preflight to answer here with this status (undefined: the request goes on to the routes). */
  answer?: number;
}

/** A request as the CORS rules read it. */
export interface CorsRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
const DEFAULT_HEADERS = ['accept', 'content-type', 'x-requested-with'];

function header(request: CorsRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : value) ?? '';
}

/**
 * rs/cors (the library SFTPGo uses) over `httpd.cors`: origins (`*`, or with one `*` wildcard),
 * methods and headers allowed, preflights answered with `options_success_status` (204) unless
 * `options_passthrough`, refused preflights answered without CORS headers, actual requests
 * decorated only when their origin and method are allowed.
 */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: string[];
  private readonly patterns: { prefix: string; suffix: string }[];
  private readonly methods: string[];
  private readonly anyHeader: boolean;
  private readonly allowedHeaders: string[];
  private readonly successStatus: number;

  constructor(private readonly config: HttpCorsConfig) {
    const origins = [...new Set(config.allowed_origins.map((o) => o.trim().toLowerCase()))];
    this.anyOrigin = origins.length === 0 || origins.includes('*');
    this.origins = origins.filter((o) => !o.includes('*'));
    this.patterns = origins
      .filter((o) => o !== '*' && o.split('*').length === 2)
      .map((o) => {
        const [prefix, suffix] = o.split('*');
        return { prefix, suffix };
      });
    const methods = config.allowed_methods.map((m) => m.trim().toUpperCase());
    this.methods = methods.length > 0 ? methods : DEFAULT_METHODS;
    const headers = config.allowed_headers.map((h) => h.trim().toLowerCase());
    this.anyHeader = headers.includes('*');
    this.allowedHeaders = headers.length > 0 ? headers : DEFAULT_HEADERS;
    this.successStatus = config.options_success_status || 204;
  }

  /** True when the request is a preflight (`OPTIONS` with `Access-Control-Request-Method`). */
  static isPreflight(request: CorsRequest): boolean {
    return request.method === 'OPTIONS' && header(request, 'access-control-request-method') !== '';
  }

  /** The CORS decision for a request. */
  handle(request: CorsRequest): CorsOutcome {
    if (CorsPolicy.isPreflight(request)) {
      const headers = this.preflight(request);
      return { headers, answer: this.config.options_passthrough ? undefined : this.successStatus };
    }
    return { headers: this.actual(request) };
  }

  private preflight(request: CorsRequest): Record<string, string> {
    const vary = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];
    if (this.config.allow_private_network) vary.push('Access-Control-Request-Private-Network');
    const headers: Record<string, string> = { vary: vary.join(', ') };
    const origin = header(request, 'origin');
    const method = header(request, 'access-control-request-method').toUpperCase();
    const requested = header(request, 'access-control-request-headers')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    if (!origin || !this.originAllowed(origin) || !this.methodAllowed(method)) return headers;
    if (!this.anyHeader && !requested.every((h) => this.allowedHeaders.includes(h.toLowerCase())))
      return headers;
    headers['access-control-allow-origin'] = this.anyOrigin ? '*' : origin;
    // As rs/cors: echo the method and headers asked for (they are allowed).
    headers['access-control-allow-methods'] = method;
    if (requested.length > 0) headers['access-control-allow-headers'] = requested.join(', ');
    if (this.config.allow_credentials) headers['access-control-allow-credentials'] = 'true';
    if (
      this.config.allow_private_network &&
      header(request, 'access-control-request-private-network') === 'true'
    ) {
      headers['access-control-allow-private-network'] = 'true';
    }
    if (this.config.max_age > 0) headers['access-control-max-age'] = String(this.config.max_age);
    else if (this.config.max_age < 0) headers['access-control-max-age'] = '0';
    return headers;
  }

  private actual(request: CorsRequest): Record<string, string> {
    const headers: Record<string, string> = { vary: 'Origin' };
    const origin = header(request, 'origin');
    if (!origin || !this.originAllowed(origin) || !this.methodAllowed(request.method)) return headers;
    headers['access-control-allow-origin'] = this.anyOrigin ? '*' : origin;
    if (this.config.exposed_headers.length > 0) {
      headers['access-control-expose-headers'] = this.config.exposed_headers.map((h) => h.trim()).join(', ');
    }
    if (this.config.allow_credentials) headers['access-control-allow-credentials'] = 'true';
    return headers;
  }

  private originAllowed(origin: string): boolean {
    if (this.anyOrigin) return true;
    const lower = origin.toLowerCase();
    return (
      this.origins.includes(lower) ||
      this.patterns.some(
        (p) =>
          lower.length >= p.prefix.length + p.suffix.length &&
          lower.startsWith(p.prefix) &&
          lower.endsWith(p.suffix),
      )
    );
  }

  private methodAllowed(method: string): boolean {
    // Preflights themselves are always allowed (rs/cors).
    return method === 'OPTIONS' || this.methods.includes(method.toUpperCase());
  }
}

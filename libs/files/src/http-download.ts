/**
 * HTTP semantics of a file download, pure: validators (weak ETag from size + mtime, Last-Modified),
 * conditional requests in the order of RFC 9110 §13.2.2 (as Go's `http.ServeContent`), single byte
 * ranges (several ranges -> 416, as SFTPGo), `If-Range`, and the response headers that make a browser
 * save rather than render (`attachment` always, `nosniff`).
 */

/** What the conditional headers are compared with. */
export interface FileValidators {
  size: number;
  /** Modification time, epoch milliseconds. */
  mtime: number;
}

/** The outcome of the precondition headers. */
export type PreconditionResult = 'proceed' | 'not-modified' | 'failed';

/** The outcome of the `Range` header for a file of known size. */
export type RangeResult =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

type HeaderValue = string | string[] | undefined;

/** A request header as one string (repeated headers joined as HTTP allows for lists). */
export function headerValue(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `W/"<size hex>-<mtime ms hex>"`: weak, as size + mtime cannot prove byte equality. */
export function weakEtag(v: FileValidators): string {
  return `W/"${v.size.toString(16)}-${Math.max(0, Math.trunc(v.mtime)).toString(16)}"`;
}

/** `Last-Modified` value (IMF-fixdate). */
export function httpDate(mtime: number): string {
  return new Date(mtime).toUTCString();
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** An HTTP date as epoch seconds, undefined when it does not parse. */
function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : seconds(ms);
}

/** The opaque part of an entity tag (`W/"x"` and `"x"` both give `"x"`), undefined when malformed. */
function opaqueTag(tag: string): string | undefined {
  const t = tag.trim();
  const strong = t.startsWith('W/') ? t.slice(2) : t;
  return /^"[^"]*"$/.test(strong) ? strong : undefined;
}

/** Weak comparison (RFC 9110 §8.8.3.2) of `etag` with a list header (`*` matches any current file). */
function listMatches(header: string, etag: string): boolean {
  const ours = opaqueTag(etag);
  return header.split(',').some((item) => {
    const value = item.trim();
    return value === '*' || (ours !== undefined && opaqueTag(value) === ours);
  });
}

/**
 * Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and `If-Modified-Since` for a GET/HEAD,
 * in RFC order. Dates compare at second precision (HTTP dates have no more).
 */
export function evaluatePreconditions(
  headers: Record<string, HeaderValue>,
  v: FileValidators,
): PreconditionResult {
  const etag = weakEtag(v);
  const mtime = seconds(v.mtime);
  const ifMatch = headerValue(headers['if-match']);
  if (ifMatch !== undefined) {
    if (!listMatches(ifMatch, etag)) return 'failed';
  } else {
    const since = parseHttpDate(headerValue(headers['if-unmodified-since']));
    if (since !== undefined && mtime > since) return 'failed';
  }
  const ifNoneMatch = headerValue(headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    if (listMatches(ifNoneMatch, etag)) return 'not-modified';
  } else {
    const since = parseHttpDate(headerValue(headers['if-modified-since']));
    if (since !== undefined && mtime <= since) return 'not-modified';
  }
  return 'proceed';
}

/**
 * Whether a `Range` may be honoured given `If-Range`: an HTTP date must equal the mtime (seconds); an
 * entity tag needs a strong match, which our weak validator never gives, so the whole file is sent.
 */
export function ifRangeAllows(headers: Record<string, HeaderValue>, v: FileValidators): boolean {
  const ifRange = headerValue(headers['if-range'])?.trim();
  if (!ifRange) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return false;
  const date = parseHttpDate(ifRange);
  return date !== undefined && date === seconds(v.mtime);
}

const DIGITS = /^\d+$/;

/**
 * Parses `Range` for a file of `size` bytes (Go's `parseRange`, limited to one range as SFTPGo):
 * `bytes=N-`, `bytes=N-M` (M clamped to the end), `bytes=-N` (the last N bytes, the whole file when N
 * is larger). Malformed, several ranges, or no byte of the file -> unsatisfiable (416).
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined || header === '') return { kind: 'full' };
  if (!header.startsWith('bytes=')) return { kind: 'unsatisfiable' };
  const specs = header
    .slice('bytes='.length)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return { kind: 'unsatisfiable' };
  const spec = specs[0];
  const dash = spec.indexOf('-');
  if (dash < 0) return { kind: 'unsatisfiable' };
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (first === '') {
    if (!DIGITS.test(last)) return { kind: 'unsatisfiable' };
    const suffix = Math.min(Number(last), size);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: size - suffix, end: size - 1 };
  }
  if (!DIGITS.test(first)) return { kind: 'unsatisfiable' };
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'partial', start, end: size - 1 };
  if (!DIGITS.test(last)) return { kind: 'unsatisfiable' };
  const end = Number(last);
  if (end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * `attachment; filename="<name>"` (Go-quoted, as SFTPGo), plus RFC 5987 `filename*` when the name is
 * not ASCII (header values are Latin-1 on the wire). Never `inline`: a downloaded HTML or SVG file
 * must not run in the API's origin.
 */
export function contentDisposition(name: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const fallback = ascii ? name : name.replace(/[^\x20-\x7e]/g, '_');
  const quoted = `"${fallback.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  if (ascii) return `attachment; filename=${quoted}`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename=${quoted}; filename*=UTF-8''${encoded}`;
}

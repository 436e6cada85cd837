import { cleanPath } from '@app/common';
import { InvalidPathError } from './fs-errors';

// C0 controls and DEL: never part of a name we accept (NUL would also truncate paths in C APIs).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * The one canonical form of a user-supplied path: `\` is a separator (SFTPGo's `util.CleanPath`, the
 * fix for CVE-2026-30914), relative paths start at `/`, `.`/`..` are cleaned and clamped at `/`
 * (`/../../etc` is the user's `/etc`), and the result is absolute POSIX with no trailing slash.
 * NUL and control characters are refused with `InvalidPathError`. No percent-decoding: the HTTP
 * layer decoded the query once, so a literal `%2e%2e` here is a file name.
 */
export function canonicalizeVirtualPath(input: string): string {
  if (CONTROL_CHARS.test(input)) throw new InvalidPathError('control characters are not allowed');
  const slashed = input.replaceAll('\\', '/');
  return cleanPath(slashed.startsWith('/') ? slashed : `/${slashed}`);
}

/** True when canonical `path` is `base` or below it, boundary-aware (`/s3` does not contain `/s3x`). */
export function isVirtualPathWithin(base: string, path: string): boolean {
  if (base === '/') return path.startsWith('/');
  return path === base || path.startsWith(`${base}/`);
}

/** The components of a canonical path (`/` has none). */
export function pathComponents(canonical: string): string[] {
  return canonical === '/' ? [] : canonical.slice(1).split('/');
}

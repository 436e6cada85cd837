/**
 * POSIX path helpers with Go's `path` package semantics, so that the keys and patterns we
 * store are exactly the ones SFTPGo would store.
 */

/** Cleans a slash-separated path like Go's `path.Clean` (`/a/../b/` -> `/b`, `` -> `.`). */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      // `..` above the root of a rooted path stays at the root, as in Go.
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** True for a slash-rooted path (Go's `path.IsAbs`). */
export function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

/** Thrown internally for a malformed glob (Go's `path.ErrBadPattern`). */
class BadPatternError extends Error {}

/**
 * Go's `path.Match`: `*` matches any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes). A malformed pattern matches nothing
 * (see {@link isValidGlob}). Ported from Go's algorithm rather than built on a regex or a
 * backtracking matcher: it takes the leftmost match of each star-separated chunk, so it runs in
 * O(pattern x name) and gives Go's answers even for odd patterns.
 */
export function globMatch(pattern: string, name: string): boolean {
  try {
    return goMatch(Array.from(pattern), Array.from(name));
  } catch (err) {
    if (err instanceof BadPatternError) return false;
    throw err;
  }
}

/** True when `pattern` is a well-formed Go `path.Match` pattern (SFTPGo tries it on `abc`). */
export function isValidGlob(pattern: string): boolean {
  try {
    goMatch(Array.from(pattern), Array.from('abc'));
    return true;
  } catch (err) {
    if (err instanceof BadPatternError) return false;
    throw err;
  }
}

function goMatch(pattern: string[], name: string[]): boolean {
  let p = pattern;
  let pos = 0; // how much of `name` is matched (indices instead of slices keep this O(n x m))
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return name.indexOf('/', pos) < 0;
    const first = matchChunk(chunk, name, pos);
    if (first >= 0 && (first === name.length || p.length > 0)) {
      pos = first;
      continue;
    }
    if (star) {
      for (let i = pos; i < name.length && name[i] !== '/'; i += 1) {
        const t = matchChunk(chunk, name, i + 1);
        if (t >= 0) {
          // The last chunk must consume the whole name.
          if (p.length === 0 && t < name.length) continue;
          pos = t;
          continue outer;
        }
      }
    }
    // Go reports a malformed remainder even when the match already failed.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, [], 0);
    }
    return false;
  }
  return pos === name.length;
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let start = 0;
  while (start < pattern.length && pattern[start] === '*') start += 1;
  let inRange = false;
  let i = start;
  for (; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 < pattern.length) i += 1;
    } else if (c === '[') {
      inRange = true;
    } else if (c === ']') {
      inRange = false;
    } else if (c === '*' && !inRange) {
      break;
    }
  }
  return { star: start > 0, chunk: pattern.slice(start, i), rest: pattern.slice(i) };
}

/**
 * Matches one chunk (no stars) against `s` from index `from`: the index after the match, or -1.
 * Keeps parsing after a mismatch so that a malformed chunk always throws.
 */
function matchChunk(chunk: string[], s: string[], from: number): number {
  let failed = false;
  let ci = 0;
  let si = from;
  while (ci < chunk.length) {
    if (!failed && si >= s.length) failed = true;
    const c = chunk[ci];
    if (c === '[') {
      const r = failed ? -1 : codePoint(s[si++]);
      ci += 1;
      let negated = false;
      if (ci < chunk.length && chunk[ci] === '^') {
        negated = true;
        ci += 1;
      }
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (ci < chunk.length && chunk[ci] === ']' && ranges > 0) {
          ci += 1;
          break;
        }
        const lo = classChar(chunk, ci);
        ci = lo.next;
        let hi = lo.code;
        if (chunk[ci] === '-') {
          const h = classChar(chunk, ci + 1);
          hi = h.code;
          ci = h.next;
        }
        if (lo.code <= r && r <= hi) matched = true;
        ranges += 1;
      }
      if (matched === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[si] === '/') failed = true;
        si += 1;
      }
      ci += 1;
    } else if (c === '\\') {
      ci += 1;
      if (ci >= chunk.length) throw new BadPatternError();
      if (!failed) {
        if (chunk[ci] !== s[si]) failed = true;
        si += 1;
      }
      ci += 1;
    } else {
      if (!failed) {
        if (c !== s[si]) failed = true;
        si += 1;
      }
      ci += 1;
    }
  }
  return failed ? -1 : si;
}

/** One class member (Go's `getEsc`): a character or an escaped one, never `-` or `]` bare. */
function classChar(chunk: string[], i: number): { code: number; next: number } {
  let at = i;
  if (at >= chunk.length || chunk[at] === '-' || chunk[at] === ']') throw new BadPatternError();
  if (chunk[at] === '\\') {
    at += 1;
    if (at >= chunk.length) throw new BadPatternError();
  }
  // A class must be closed: something has to follow the member.
  if (at + 1 >= chunk.length) throw new BadPatternError();
  return { code: codePoint(chunk[at]), next: at + 1 };
}

function codePoint(ch: string): number {
  return ch.codePointAt(0) ?? -1;
}

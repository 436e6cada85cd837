import type { PatternsFilter } from '../auth/user-settings.types';
import { globMatch, isValidGlob } from './paths';

/** `deny_policy` 0: a path the patterns refuse is a permission error. */
export const DENY_POLICY_DEFAULT = 0;
/** `deny_policy` 1: a path the patterns refuse does not exist for the user (and is hidden from listings). */
export const DENY_POLICY_HIDE = 1;

/** What a denied path looks like to the user: 0 = permission denied, 1 = hidden (not found). */
export type DenyPolicy = typeof DENY_POLICY_DEFAULT | typeof DENY_POLICY_HIDE;

/** The answer of {@link isFileAllowed}: allowed or not, and the policy of the pattern set that decided. */
export interface FileAllowed {
  allowed: boolean;
  policy: DenyPolicy;
}

/** The pattern set that applies to the entries of one directory, as a listing uses it. */
export interface DirPatternFilter {
  /** The directory the set is defined on (the listed one or its nearest ancestor with a set). */
  path: string;
  policy: DenyPolicy;
  /** True when an entry `name` of the directory is allowed (case-insensitive on the name). */
  allows(name: string): boolean;
}

/** The filters this module reads: a user's (group-merged) `filters.file_patterns`. */
export interface FilePatternFilters {
  file_patterns?: PatternsFilter[];
}

const ALLOWED: FileAllowed = { allowed: true, policy: DENY_POLICY_DEFAULT };

function policyOf(set: PatternsFilter): DenyPolicy {
  return set.deny_policy === DENY_POLICY_HIDE ? DENY_POLICY_HIDE : DENY_POLICY_DEFAULT;
}

/** Go's `path.Dir` of a canonical absolute path. */
function parentDir(p: string): string {
  const idx = p.lastIndexOf('/');
  return idx <= 0 ? '/' : p.slice(0, idx);
}

/** Go's `path.Base` of a canonical absolute path other than `/`. */
function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The pattern set defined exactly on `dir`, if any (the first one, as SFTPGo's loop takes). */
function setFor(patterns: PatternsFilter[], dir: string): PatternsFilter | undefined {
  return patterns.find((p) => p.path === dir);
}

/** SFTPGo's `PatternsFilter.CheckAllowed`: denied first (a malformed denied pattern denies), then allowed. */
function setAllows(set: PatternsFilter, name: string): boolean {
  const toMatch = name.toLowerCase();
  for (const denied of set.denied_patterns ?? []) {
    if (!isValidGlob(denied) || globMatch(denied, toMatch)) return false;
  }
  const allowed = set.allowed_patterns ?? [];
  for (const pattern of allowed) {
    if (globMatch(pattern, toMatch)) return true;
  }
  return allowed.length === 0;
}

/**
 * The nearest pattern set for `dir`: the one defined on `dir` itself, else on its deepest ancestor
 * that has one (SFTPGo's `getPatternsFilterForPath`); undefined when none applies.
 */
function nearestSet(patterns: PatternsFilter[], dir: string): PatternsFilter | undefined {
  let current = dir;
  for (;;) {
    const set = setFor(patterns, current);
    if (set) return set;
    if (current === '/') return undefined;
    current = parentDir(current);
  }
}

/**
 * SFTPGo's `User.IsFileAllowed` for a canonical virtual path: the pattern set of the nearest directory
 * among the path's parent and its ancestors decides on the path's base name, lower-cased (denied
 * patterns first, then allowed ones; no allowed pattern means allowed). Without any set that applies,
 * the path is allowed with policy 0. The root itself is always allowed: it has no name to match (in
 * SFTPGo a set on `/` with allowed patterns would otherwise refuse `/` itself).
 */
export function isFileAllowed(filters: FilePatternFilters, virtualPath: string): FileAllowed {
  const patterns = filters.file_patterns ?? [];
  if (patterns.length === 0 || virtualPath === '/') return ALLOWED;
  const set = nearestSet(patterns, parentDir(virtualPath));
  if (!set) return ALLOWED;
  return { allowed: setAllows(set, baseName(virtualPath)), policy: policyOf(set) };
}

/**
 * The pattern set that decides for the entries of directory `dir` (SFTPGo's `FilterListDir` uses it to
 * hide entries when its policy is {@link DENY_POLICY_HIDE}); undefined when no set applies.
 * `allows(name)` gives the same answer as `isFileAllowed(filters, dir + "/" + name).allowed`.
 */
export function patternFilterForDir(filters: FilePatternFilters, dir: string): DirPatternFilter | undefined {
  const patterns = filters.file_patterns ?? [];
  if (patterns.length === 0) return undefined;
  const set = nearestSet(patterns, dir);
  if (!set) return undefined;
  return { path: set.path, policy: policyOf(set), allows: (name) => setAllows(set, name) };
}

/**
 * True when some pattern set could decide for an entry inside the tree rooted at `dir` (a set on
 * `dir`, on an ancestor, or below it): a tree-wide shortcut must then check each entry.
 */
export function hasFilePatternsWithin(filters: FilePatternFilters, dir: string): boolean {
  const patterns = filters.file_patterns ?? [];
  if (patterns.length === 0) return false;
  if (nearestSet(patterns, dir)) return true;
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return patterns.some((p) => p.path.startsWith(prefix));
}

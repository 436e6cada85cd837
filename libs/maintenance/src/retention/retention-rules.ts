/**
 * The rules of a retention check (SFTPGo's `FolderRetention` list): validation and which rule governs
 * a path. Pure, no I/O.
 */
import { ValidationError } from '@app/common';
import { canonicalizeVirtualPath, isVirtualPathWithin } from '@app/storage';

/** SFTPGo's `FolderRetention` schema, as callers give it (wire field names). */
export interface FolderRetention {
  /** Virtual directory path as the user sees it; the rule covers its subtree but sub-rules' subtrees. */
  path: string;
  /** Hours; files modified longer ago are deleted. 0 excludes the path. */
  retention: number;
  /** Remove the directories left empty (never the rule's own path, `/` or a virtual folder). */
  delete_empty_dirs?: boolean;
}

/** A validated rule: canonical path, integer hours, flag always set. */
export interface RetentionRule {
  path: string;
  retention: number;
  deleteEmptyDirs: boolean;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * SFTPGo's `EventActionDataRetentionConfig.validate`: each path cleaned to its canonical virtual form
 * (as SFTPGo's `util.CleanPath`; control characters refused), retention an integer >= 0, no path twice,
 * and at least one rule that deletes something. Throws 400 `Validation error: ...`.
 */
export function validateRetentionRules(
  folders: readonly FolderRetention[] | undefined | null,
): RetentionRule[] {
  if (folders !== undefined && folders !== null && !Array.isArray(folders)) {
    throw new ValidationError('folders must be a list of folder retention rules');
  }
  const rules: RetentionRule[] = [];
  const seen = new Set<string>();
  for (const folder of folders ?? []) {
    if (typeof folder !== 'object' || folder === null) {
      throw new ValidationError('each folder retention rule must be an object');
    }
    if (typeof folder.path !== 'string') {
      throw new ValidationError(`invalid folder path ${describe(folder.path)}, it must be a string`);
    }
    let path: string;
    try {
      path = canonicalizeVirtualPath(folder.path);
    } catch (err) {
      throw new ValidationError(`invalid folder path ${describe(folder.path)}: ${(err as Error).message}`);
    }
    const { retention } = folder;
    if (typeof retention !== 'number' || !Number.isSafeInteger(retention) || retention < 0) {
      throw new ValidationError(
        `invalid folder retention ${describe(retention)}, it must be an integer greater or equal to zero`,
      );
    }
    const deleteEmptyDirs = folder.delete_empty_dirs ?? false;
    if (typeof deleteEmptyDirs !== 'boolean') {
      throw new ValidationError(
        `invalid delete_empty_dirs ${describe(deleteEmptyDirs)} for folder "${path}"`,
      );
    }
    if (seen.has(path)) throw new ValidationError(`duplicated folder path "${path}"`);
    seen.add(path);
    rules.push({ path, retention, deleteEmptyDirs });
  }
  if (!rules.some((rule) => rule.retention > 0)) throw new ValidationError('nothing to delete!');
  return rules;
}

/** The rule governing canonical `path`: the one with the deepest path containing it (undefined if none). */
export function ruleFor(rules: readonly RetentionRule[], path: string): RetentionRule | undefined {
  let best: RetentionRule | undefined;
  for (const rule of rules) {
    if (isVirtualPathWithin(rule.path, path) && (!best || rule.path.length > best.path.length)) best = rule;
  }
  return best;
}

/** The wire form of a rule (`delete_empty_dirs` omitted when false, as SFTPGo's `omitempty`). */
export function ruleToWire(rule: RetentionRule): FolderRetention {
  return {
    path: rule.path,
    retention: rule.retention,
    ...(rule.deleteEmptyDirs ? { delete_empty_dirs: true } : {}),
  };
}

/**
 * One retention check over a user's virtual filesystem (SFTPGo's `RetentionCheck.cleanupFolder`):
 * each rule with a retention walks its path, streaming every listing, and deletes the regular files
 * modified before its cut-off; subtrees with their own rule are left to that rule (a rule with
 * retention 0 keeps its subtree). Unlike SFTPGo, an error on one entry is recorded and the walk goes
 * on. As SFTPGo, the check acts with every permission and ignores the file patterns.
 */
import { ATOMIC_TEMP_PREFIX, type FileInfo, FsError, FsNotFoundError, isRegularMode } from '@app/storage';
import type { QuotaService, UserContext } from '@app/files';
import { posix } from 'node:path';
import { type RetentionRule, ruleFor } from './retention-rules';

/** SFTPGo's `util.MaxRecursion`. */
const MAX_DEPTH = 1000;
/** Error texts kept per rule (the count goes on): memory does not grow with the tree. */
export const MAX_RECORDED_ERRORS = 100;
const HOUR_MS = 3_600_000;

/** What one rule did. */
export interface RetentionRuleResult {
  path: string;
  retention: number;
  deleteEmptyDirs: boolean;
  deletedFiles: number;
  /** Bytes of the deleted files. */
  deletedSize: number;
  deletedDirs: number;
  /** Every failure (the walk went on past each one). */
  errorCount: number;
  /** The first {@link MAX_RECORDED_ERRORS} failures. */
  errors: string[];
  /** Why the rule did nothing, when it did not run (`retention is 0`, `folder does not exist`). */
  info?: string;
  elapsedMs: number;
}

/** Tells the walk to stop (server shutting down). */
export type StopSignal = () => boolean;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isRegularFile(info: FileInfo): boolean {
  return !info.isDir && !info.isSymlink && isRegularMode(info.mode);
}

/** Runs the rules of one check, one after the other, over `ctx` (quota released per deleted file). */
export class RetentionWalk {
  constructor(
    private readonly ctx: UserContext,
    private readonly rules: readonly RetentionRule[],
    private readonly quota: QuotaService,
    private readonly stopped: StopSignal,
  ) {}

  /** Every rule's result, in the rules' order. */
  async run(): Promise<RetentionRuleResult[]> {
    const results: RetentionRuleResult[] = [];
    for (const rule of this.rules) results.push(await this.runRule(rule));
    return results;
  }

  private async runRule(rule: RetentionRule): Promise<RetentionRuleResult> {
    const started = Date.now();
    const result: RetentionRuleResult = {
      path: rule.path,
      retention: rule.retention,
      deleteEmptyDirs: rule.deleteEmptyDirs,
      deletedFiles: 0,
      deletedSize: 0,
      deletedDirs: 0,
      errorCount: 0,
      errors: [],
      elapsedMs: 0,
    };
    if (rule.retention === 0) {
      result.info = 'retention is 0: path excluded';
    } else {
      const cutoff = started - rule.retention * HOUR_MS;
      const exists = await this.walk(rule, cutoff, rule.path, 0, result);
      if (!exists) result.info = 'folder does not exist';
      if (this.stopped()) this.fail(result, 'check stopped, the server is shutting down');
    }
    result.elapsedMs = Date.now() - started;
    return result;
  }

  private fail(result: RetentionRuleResult, text: string): void {
    result.errorCount += 1;
    if (result.errors.length < MAX_RECORDED_ERRORS) result.errors.push(text);
  }

  /** A directory with its own rule is that rule's business (the most specific rule wins). */
  private ownedByOtherRule(rule: RetentionRule, virtualPath: string): boolean {
    return ruleFor(this.rules, virtualPath) !== rule;
  }

  /**
   * Cleans the directory `dir` (canonical virtual path) and below; returns false when it does not
   * exist at all (neither on storage nor as a mount or a way to one).
   */
  private async walk(
    rule: RetentionRule,
    cutoff: number,
    dir: string,
    depth: number,
    result: RetentionRuleResult,
  ): Promise<boolean> {
    if (this.stopped()) return true; // reported once per rule, by runRule
    if (depth > MAX_DEPTH) {
      this.fail(result, `"${dir}": maximum directory depth exceeded`);
      return true;
    }
    const { vfs } = this.ctx;
    // Mounts (and directories leading to them) shadow same-named storage entries, as in listings.
    const mounts = vfs.mountsUnder(dir);
    const shadowed = new Set(mounts.map((m) => m.name));
    let exists = true;
    let listed = true;
    try {
      const { fs, fsPath } = vfs.resolve(dir);
      for await (const entry of fs.list(fsPath)) {
        if (shadowed.has(entry.name) || entry.name.startsWith(ATOMIC_TEMP_PREFIX)) continue;
        const child = posix.join(dir, entry.name);
        if (entry.isDir) {
          if (!this.ownedByOtherRule(rule, child)) await this.walk(rule, cutoff, child, depth + 1, result);
        } else if (isRegularFile(entry) && entry.mtime < cutoff) {
          await this.removeFile(child, entry, result);
        }
        if (this.stopped()) break;
      }
    } catch (err) {
      if (err instanceof FsNotFoundError && !vfs.mountAt(dir)) {
        exists = mounts.length > 0;
      } else if (!(err instanceof FsNotFoundError)) {
        // Recorded; the mounts below are still walked, but the directory is not judged empty.
        this.fail(result, `unable to list directory "${dir}": ${errorText(err)}`);
        listed = false;
      }
    }
    for (const mount of mounts) {
      if (!this.ownedByOtherRule(rule, mount.virtualPath)) {
        await this.walk(rule, cutoff, mount.virtualPath, depth + 1, result);
      }
    }
    if (exists && listed && rule.deleteEmptyDirs) await this.removeIfEmpty(dir, result);
    return exists;
  }

  private async removeFile(virtualPath: string, entry: FileInfo, result: RetentionRuleResult): Promise<void> {
    try {
      const resolved = this.ctx.vfs.resolve(virtualPath);
      await this.quota.removeFile(this.ctx.user, resolved, () => resolved.fs.remove(resolved.fsPath));
      result.deletedFiles += 1;
      result.deletedSize += entry.size;
    } catch (err) {
      // Gone meanwhile (a client deleted it): nothing to do, nothing deleted by us.
      if (err instanceof FsNotFoundError) return;
      this.fail(result, `unable to remove file "${virtualPath}": ${errorText(err)}`);
    }
  }

  /**
   * With `delete_empty_dirs`: removes `dir` when nothing is left in it. Never `/`, a rule's own path,
   * a virtual folder's mount point or a directory with mounts below it.
   */
  private async removeIfEmpty(dir: string, result: RetentionRuleResult): Promise<void> {
    const { vfs } = this.ctx;
    if (dir === '/' || this.rules.some((r) => r.path === dir)) return;
    if (vfs.mountAt(dir) || vfs.hasMountsInside(dir)) return;
    try {
      const { fs, fsPath } = vfs.resolve(dir);
      const iterator = fs.list(fsPath)[Symbol.asyncIterator]();
      let empty: boolean;
      try {
        empty = (await iterator.next()).done === true;
      } finally {
        await iterator.return?.();
      }
      if (!empty) return;
      await fs.remove(fsPath);
      result.deletedDirs += 1;
    } catch (err) {
      // Gone meanwhile, or refilled between the listing and the removal: not a failure.
      if (err instanceof FsNotFoundError || (err instanceof FsError && err.code === 'NOT_EMPTY')) return;
      this.fail(result, `unable to remove empty directory "${dir}": ${errorText(err)}`);
    }
  }
}

import { ConflictError, NotFoundError, nowMs, type Principal, ServiceUnavailableError } from '@app/common';
import { FilesService, QuotaService, type UserContext } from '@app/files';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { RetentionCheckDto } from './dto/retention-check.dto';
import {
  type FolderRetention,
  type RetentionRule,
  ruleToWire,
  validateRetentionRules,
} from './retention-rules';
import { type RetentionRuleResult, RetentionWalk } from './retention-walk';

/** What a finished retention check did (for the event manager: success, what was deleted, errors). */
export interface RetentionResult {
  username: string;
  /** Epoch ms. */
  startTime: number;
  elapsedMs: number;
  /** True when no rule met an error. */
  success: boolean;
  deletedFiles: number;
  deletedSize: number;
  deletedDirs: number;
  errorCount: number;
  /** One entry per rule, in the rules' order. */
  rules: RetentionRuleResult[];
}

/** A started check: what `GET /retention/users/checks` shows of it, and its result once it ends. */
export interface RetentionHandle {
  check: RetentionCheckDto;
  /** Settles when the check ends; never rejects (failures are in the result). */
  result: Promise<RetentionResult>;
}

interface RunningCheck {
  username: string;
  role: string;
  rules: RetentionRule[];
  startTime: number;
  result: Promise<RetentionResult>;
}

function toWire(check: RunningCheck): RetentionCheckDto {
  return { username: check.username, folders: check.rules.map(ruleToWire), start_time: check.startTime };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Data retention checks (SFTPGo's `RetentionChecks`): at most one per user at a time, run in the
 * background over the user's virtual filesystem, each deletion releasing its quota. The event manager
 * starts them; the REST API only lists those in progress.
 */
@Injectable()
export class RetentionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('retention');
  /** Checks in progress by username, in start order. */
  private readonly running = new Map<string, RunningCheck>();
  private stopping = false;

  constructor(
    private readonly files: FilesService,
    private readonly quota: QuotaService,
  ) {}

  /**
   * Validates `folders` (400), finds the user (404), refuses a second check for the same user (409),
   * then starts the check in the background; resolves once the check is registered.
   */
  async start(username: string, folders: readonly FolderRetention[]): Promise<RetentionHandle> {
    const rules = validateRetentionRules(folders);
    if (this.stopping) throw new ServiceUnavailableError('the server is shutting down');
    this.assertNotRunning(username);
    const ctx = await this.files.userContextByName(username);
    if (!ctx) throw new NotFoundError();
    // Checked again after the lookup: nothing awaits between this check and the registration.
    this.assertNotRunning(ctx.user.username);
    let finish!: (result: RetentionResult) => void;
    const check: RunningCheck = {
      username: ctx.user.username,
      role: ctx.user.role,
      rules,
      startTime: nowMs(),
      result: new Promise<RetentionResult>((resolve) => (finish = resolve)),
    };
    this.running.set(check.username, check);
    void this.execute(ctx, check).then(finish);
    return { check: toWire(check), result: check.result };
  }

  /** {@link start}, then the check's result. */
  async run(username: string, folders: readonly FolderRetention[]): Promise<RetentionResult> {
    return (await this.start(username, folders)).result;
  }

  /** `GET /retention/users/checks`: the checks in progress (a role admin sees only its users'). */
  list(principal: Principal): RetentionCheckDto[] {
    return [...this.running.values()]
      .filter((check) => principal.role === '' || check.role === principal.role)
      .map(toWire);
  }

  /** Stops the walks at the next entry and waits for them, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.values()].map((check) => check.result));
  }

  private assertNotRunning(username: string): void {
    if (this.running.has(username)) {
      throw new ConflictError(`another retention check is already in progress for user "${username}"`);
    }
  }

  /** Runs the check, logs one line for it and unregisters it; never rejects. */
  private async execute(ctx: UserContext, check: RunningCheck): Promise<RetentionResult> {
    let rules: RetentionRuleResult[] = [];
    let unexpected: string | undefined;
    try {
      rules = await new RetentionWalk(ctx, check.rules, this.quota, () => this.stopping).run();
    } catch (err) {
      // The walk records its own failures; anything reaching here is a bug, still reported as a failure.
      unexpected = errorText(err);
    } finally {
      this.running.delete(check.username);
    }
    const sum = (pick: (r: RetentionRuleResult) => number) => rules.reduce((n, r) => n + pick(r), 0);
    const result: RetentionResult = {
      username: check.username,
      startTime: check.startTime,
      elapsedMs: nowMs() - check.startTime,
      success: unexpected === undefined && sum((r) => r.errorCount) === 0,
      deletedFiles: sum((r) => r.deletedFiles),
      deletedSize: sum((r) => r.deletedSize),
      deletedDirs: sum((r) => r.deletedDirs),
      errorCount: sum((r) => r.errorCount) + (unexpected === undefined ? 0 : 1),
      rules,
    };
    this.log(check, result, unexpected);
    return result;
  }

  private log(check: RunningCheck, result: RetentionResult, unexpected: string | undefined): void {
    const line = {
      msg: result.success ? 'retention check completed' : 'retention check completed with errors',
      username: check.username,
      rules: check.rules.map(ruleToWire),
      deleted_files: result.deletedFiles,
      deleted_size: result.deletedSize,
      deleted_dirs: result.deletedDirs,
      errors: result.errorCount,
      // The first failures, so an operator sees what went wrong without a debug log.
      first_errors: [
        ...(unexpected === undefined ? [] : [unexpected]),
        ...result.rules.flatMap((r) => r.errors),
      ].slice(0, 10),
      elapsed_ms: result.elapsedMs,
    };
    if (result.success) this.logger.log(line);
    else this.logger.warn(line);
  }
}

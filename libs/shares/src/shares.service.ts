import { newKeyPart } from '@app/api-keys';
import {
  ApiError,
  ForbiddenError,
  isPasswordHash,
  type ListQuery,
  nameProblem,
  NamingRule,
  NotFoundError,
  nowMs,
  parseCidr,
  PasswordHasher,
  passwordEntropy,
  type Principal,
  ValidationError,
  type RestoreOutcome,
} from '@app/common';
import { canonicalizeVirtualPath } from '@app/storage';
import { type EffectiveUser, UserAuthService } from '@app/users';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ShareDto } from './dto/share.dto';
import type { ShareEntity } from './entities/share.entity';
import { REDACTED_SHARE_PASSWORD, shareToWire, type ShareWire } from './share-wire';
import { SharesRepository } from './shares.repository';

/** `scope` values (SFTPGo's `ShareScope`). */
export enum ShareScope {
  Read = 1,
  Write = 2,
  ReadWrite = 3,
}

/** The user's web client restrictions that concern shares (SFTPGo's `WebClientOptions`). */
export const SHARES_DISABLED = 'shares-disabled';
export const SHARES_WITHOUT_PASSWORD_DISABLED = 'shares-without-password-disabled';

const DAY_MS = 86_400_000;
const MAX_INT32 = 2_147_483_647;
const INSECURE_PASSWORD =
  'insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password';
const NO_PASSWORD_FORBIDDEN = 'You are not authorized to share files/folders without a password';

/** The validated fields of a create or update body (the password already hashed, or null). */
type ShareFields = Pick<
  ShareEntity,
  'name' | 'description' | 'scope' | 'paths' | 'expiresAt' | 'password' | 'maxTokens' | 'allowFrom'
>;

/** `YYYY-MM-DD` of a local date (Go's `time.DateOnly`). */
function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Go's `%q` for the strings we quote (JSON's escaping is the same for printable text). */
const quote = (value: string) => JSON.stringify(value);

/**
 * The owner's share management (`/user/shares`): SFTPGo's `addShare`/`updateShare` flow and
 * `Share.validate`, with the password hashed before it is stored and never sent back.
 */
@Injectable()
export class SharesService {
  constructor(
    private readonly shares: SharesRepository,
    private readonly users: UserAuthService,
    private readonly hasher: PasswordHasher,
  ) {}

  /** `GET /user/shares`: one page of the caller's shares, ordered by share id. */
  async list(principal: Principal, query: ListQuery): Promise<ShareWire[]> {
    const user = await this.owner(principal);
    return (await this.shares.list(user.id, query)).map((share) => shareToWire(share, user.username));
  }

  /** One page of every user's shares for `/dumpdata`, ordered by share id, with password hashes. */
  async dumpPage(offset: number, limit: number): Promise<ShareWire[]> {
    const rows = await this.shares.listAll({ offset, limit, order: 'ASC' });
    return rows.map(({ share, username }) => shareToWire(share, username, true));
  }

  /** `GET /user/shares/{id}`: 404 unless the caller owns it. */
  async get(principal: Principal, shareId: string): Promise<ShareWire> {
    const user = await this.owner(principal);
    return shareToWire(await this.owned(user, shareId), user.username);
  }

  /**
   * `POST /user/shares`: the id, owner, timestamps and counters are the server's; the expiration
   * defaults to the user's `default_shares_expiration` days when the body has none.
   */
  async create(principal: Principal, body: ShareDto): Promise<{ id: string; message: string }> {
    const user = await this.owner(principal);
    const now = nowMs();
    const defaultDays = user.filters.default_shares_expiration ?? 0;
    const expiresAt = body.expires_at ?? (defaultDays > 0 ? now + defaultDays * DAY_MS : 0);
    this.checkMaxExpiration(user, expiresAt, now);
    const shareId = newKeyPart();
    const password = body.password ?? '';
    if (!password) this.checkNoPasswordAllowed(user);
    const fields = await this.validate(
      user,
      { ...body, name: body.name || shareId, expires_at: expiresAt },
      now,
    );
    await this.shares.insert({
      shareId,
      ...fields,
      userId: user.id,
      createdAt: now,
      updatedAt: now,
      lastUseAt: 0,
      usedTokens: 0,
    });
    return { id: shareId, message: 'Share created' };
  }

  /**
   * `PUT /user/shares/{id}`: a full replacement (omitted fields are cleared, as SFTPGo); the
   * redacted marker keeps the stored password, `""` removes it. Id, owner, creation time, last
   * use and used tokens are kept.
   */
  async update(principal: Principal, shareId: string, body: ShareDto): Promise<{ message: string }> {
    const user = await this.owner(principal);
    const share = await this.owned(user, shareId);
    const now = nowMs();
    const keepPassword = body.password === REDACTED_SHARE_PASSWORD;
    const password = keepPassword ? (share.password ?? '') : (body.password ?? '');
    if (!password) this.checkNoPasswordAllowed(user);
    const expiresAt = body.expires_at ?? 0;
    this.checkMaxExpiration(user, expiresAt, now);
    const fields = await this.validate(
      user,
      {
        ...body,
        name: body.name ?? '',
        expires_at: expiresAt,
        password: keepPassword ? undefined : password,
      },
      now,
    );
    if (keepPassword) fields.password = share.password;
    await this.shares.update(share.id, { ...fields, updatedAt: now });
    return { message: 'Share updated' };
  }

  /**
   * A share from a backup, in the restore's transaction `em`, checked as POST/PUT are (an expiration
   * in the past is accepted, as SFTPGo's restore does): a new share keeps its id, owner, password
   * hash (a plain password is hashed), timestamps and used tokens; an existing one (unless
   * `skipExisting`) gets the backup's fields.
   */
  async restore(body: ShareDto, skipExisting: boolean, em: EntityManager): Promise<RestoreOutcome> {
    const shareId = body.id ?? '';
    if (!shareId || shareId.length > 60) throw new ValidationError(`invalid share id ${quote(shareId)}`);
    const owner = await this.shares.findOwner(body.username ?? '', em);
    if (!owner) throw new ValidationError(`the share owner ${quote(body.username ?? '')} does not exist`);
    const existing = await this.shares.findByShareId(shareId, em);
    if (existing && skipExisting) return 'skip';
    const now = nowMs();
    const fields = await this.validate(owner, { ...body, name: body.name || shareId }, now, true);
    if (existing) {
      await this.shares.update(existing.share.id, { ...fields, updatedAt: now }, em);
      return 'update';
    }
    await this.shares.insert(
      {
        shareId,
        ...fields,
        userId: owner.id,
        createdAt: body.created_at || now,
        updatedAt: body.updated_at || now,
        lastUseAt: body.last_use_at ?? 0,
        usedTokens: body.used_tokens ?? 0,
      },
      em,
    );
    return 'add';
  }

  /** `DELETE /user/shares/{id}`. */
  async delete(principal: Principal, shareId: string): Promise<{ message: string }> {
    const user = await this.owner(principal);
    const share = await this.owned(user, shareId);
    await this.shares.delete(share.id);
    return { message: 'Share deleted' };
  }

  /** The caller as the effective user, refused when shares are disabled for it. */
  private async owner(principal: Principal): Promise<EffectiveUser> {
    if (principal.permissions.includes(SHARES_DISABLED)) throw new ForbiddenError();
    const user = await this.users.effectiveUser(principal.username);
    if (!user) throw new ApiError(404, 'Not Found', 'Unable to retrieve your user');
    if ((user.filters.web_client ?? []).includes(SHARES_DISABLED)) throw new ForbiddenError();
    return user;
  }

  /** The caller's share `shareId`; another user's share is as unknown as a missing one. */
  private async owned(user: EffectiveUser, shareId: string): Promise<ShareEntity> {
    const row = await this.shares.findByShareId(shareId);
    if (!row || row.share.userId !== user.id) throw new NotFoundError();
    return row.share;
  }

  private checkNoPasswordAllowed(user: EffectiveUser): void {
    if ((user.filters.web_client ?? []).includes(SHARES_WITHOUT_PASSWORD_DISABLED)) {
      throw new ForbiddenError('', NO_PASSWORD_FORBIDDEN);
    }
  }

  /**
   * SFTPGo's `CheckMaxShareExpiration`: with `max_shares_expiration` days set, a share must expire,
   * and before local midnight of today + days + 1. A negative expiration counts as none here (SFTPGo
   * let it through, then stored it as "never").
   */
  private checkMaxExpiration(user: EffectiveUser, expiresAt: number, now: number): void {
    const maxDays = user.filters.max_shares_expiration ?? 0;
    if (maxDays <= 0) return;
    const limit = new Date(now + (maxDays + 1) * DAY_MS);
    const midnight = new Date(limit.getFullYear(), limit.getMonth(), limit.getDate());
    if (expiresAt <= 0 || expiresAt > midnight.getTime()) {
      throw new ValidationError(`the share must expire before ${localDate(midnight)}`);
    }
  }

  /** SFTPGo's `Share.validate` (in its order), then the password hashed. */
  private async validate(
    user: { filters: { password_strength?: number } },
    body: ShareDto,
    now: number,
    restore = false,
  ): Promise<ShareFields> {
    const name = body.name ?? '';
    if (!name) throw new ValidationError('name is mandatory');
    const problem = nameProblem(name, NamingRule.AllowUtf8, 'name');
    if (problem) throw new ValidationError(problem);
    const scope = body.scope ?? 0;
    if (scope < ShareScope.Read || scope > ShareScope.ReadWrite) {
      throw new ValidationError(`invalid scope: ${scope}`);
    }
    const paths = this.validatePaths(body.paths ?? [], scope);
    let expiresAt = body.expires_at ?? 0;
    if (!Number.isSafeInteger(expiresAt)) throw new ValidationError(`invalid expiration: ${expiresAt}`);
    if (expiresAt > 0 && expiresAt < now && !restore)
      throw new ValidationError('expiration must be in the future');
    if (expiresAt < 0) expiresAt = 0;
    const maxTokens = body.max_tokens ?? 0;
    // The column is a 32-bit integer on every driver.
    if (maxTokens < 0 || maxTokens > MAX_INT32) throw new ValidationError('invalid max tokens');
    const password = body.password ?? '';
    if (password === REDACTED_SHARE_PASSWORD) {
      throw new ValidationError('cannot save a share with a redacted password');
    }
    const needsHash = password !== '' && !isPasswordHash(password);
    // A hash given as is must fit the column (ours are at most ~100 characters).
    if (password !== '' && !needsHash && password.length > 255) {
      throw new ValidationError('invalid password hash: too long');
    }
    if (needsHash) {
      const minEntropy = user.filters.password_strength ?? 0;
      if (minEntropy > 0 && passwordEntropy(password) < minEntropy) {
        throw new ValidationError(INSECURE_PASSWORD);
      }
    }
    const allowFrom = [...new Set(body.allow_from ?? [])];
    for (const entry of allowFrom) {
      if (!parseCidr(entry)) {
        throw new ValidationError(
          `could not parse allow from entry ${quote(entry)} : invalid CIDR address: ${entry}`,
        );
      }
    }
    return {
      name,
      description: body.description || null,
      scope,
      paths,
      expiresAt,
      password: password === '' ? null : needsHash ? await this.hasher.hash(password) : password,
      maxTokens,
      allowFrom,
    };
  }

  /**
   * SFTPGo's `validatePaths`: blank entries dropped, each cleaned to an absolute path (`\` is a
   * separator, as everywhere in our path handling), duplicates removed; a write scope needs exactly
   * one path; several paths may be neither `/` nor nested (a 400 here, SFTPGo answered 500).
   */
  private validatePaths(raw: string[], scope: number): string[] {
    const paths: string[] = [];
    for (const entry of raw) {
      if (entry.trim() === '') continue;
      let path: string;
      try {
        path = canonicalizeVirtualPath(entry);
      } catch {
        throw new ValidationError(`invalid shared path ${quote(entry)}: control characters are not allowed`);
      }
      if (!paths.includes(path)) paths.push(path);
    }
    if (paths.length === 0) throw new ValidationError('at least a shared path is required');
    if (scope >= ShareScope.Write && paths.length !== 1) {
      throw new ValidationError('the write share scope requires exactly one path');
    }
    if (paths.length > 1) {
      for (const a of paths) {
        for (const b of paths) {
          if (a !== b && (a === '/' || b === '/' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`))) {
            throw new ValidationError('shared paths cannot be nested');
          }
        }
      }
    }
    return paths;
  }
}

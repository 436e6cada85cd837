import {
  convertName,
  type ListQuery,
  nameProblem,
  NotFoundError,
  nowMs,
  type RestoreOutcome,
  ValidationError,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hashSecret, isKnownHash, newKeyPart } from './api-key-secret';
import type { ApiKeyDto } from './dto/api-key.dto';
import { type ApiKeyRow, ApiKeysRepository } from './apikeys.repository';

/** `scope` values. */
export enum ApiKeyScope {
  Admin = 1,
  User = 2,
}

/** An API key as SFTPGo sends it: optional fields omitted when empty, the hash only in a dump. */
export interface ApiKeyWire {
  id: string;
  name: string;
  /** The stored hash: only in a dump. */
  key?: string;
  scope: number;
  created_at: number;
  updated_at: number;
  last_use_at?: number;
  expires_at?: number;
  description?: string;
  user?: string;
  admin?: string;
}

/** What authentication needs to know about a key (cached briefly: no database read per request). */
export interface ApiKeyAuthState {
  keyId: string;
  hash: string;
  scope: ApiKeyScope;
  expiresAt: number;
  /** Bound account ("" when the key is generic). */
  admin: string;
  user: string;
}

const CREATED_MESSAGE = 'API key created. This is the only time the API key is visible, please save it.';
// How long another instance's change to a key may take to be seen here.
const AUTH_STATE_TTL_MS = 2000;
// `last_use_at` is written at most this often per key.
const LAST_USE_MIN_DELAY_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;

// `withHash`: the stored hash as `key`, for `/dumpdata` only (SFTPGo's dump is not redacted).
function toWire({ key, admin, user }: ApiKeyRow, withHash = false): ApiKeyWire {
  return {
    id: key.keyId,
    name: key.name,
    ...(withHash && key.hash ? { key: key.hash } : {}),
    scope: key.scope,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    ...(key.lastUseAt > 0 ? { last_use_at: key.lastUseAt } : {}),
    ...(key.expiresAt > 0 ? { expires_at: key.expiresAt } : {}),
    ...(key.description ? { description: key.description } : {}),
    ...(user ? { user } : {}),
    ...(admin ? { admin } : {}),
  };
}

/** The validated, normalised fields of a create or update body. */
interface ApiKeyFields {
  name: string;
  scope: ApiKeyScope;
  description: string | null;
  expiresAt: number;
  adminId: number | null;
  userId: number | null;
}

/**
 * API keys: the `/apikeys` endpoints (super admins, checked by the route) and the key lookups of
 * authentication. The full key is generated here and returned once; only an HMAC of its secret is
 * stored (or, for keys loaded from SFTPGo backups, their bcrypt/argon2id hash).
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly authStates = new Map<
    string,
    { at: number; state: Promise<ApiKeyAuthState | undefined> }
  >();
  private readonly lastUseWritten = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {}

  /** `GET /apikeys`: one page ordered by key id. */
  async list(query: ListQuery): Promise<ApiKeyWire[]> {
    return (await this.keys.list(query)).map((row) => toWire(row));
  }

  /** One page of all keys for `/dumpdata`, ordered by key id, with their stored hash as `key`. */
  async dumpPage(offset: number, limit: number): Promise<ApiKeyWire[]> {
    return (await this.keys.list({ offset, limit, order: 'ASC' })).map((row) => toWire(row, true));
  }

  /** `GET /apikeys/{id}`. */
  async get(keyId: string): Promise<ApiKeyWire> {
    return toWire(await this.require(keyId));
  }

  /** `POST /apikeys`: the generated key (`<id>.<secret>`) is in the response, and nowhere else. */
  async create(body: ApiKeyDto): Promise<{ id: string; message: string; key: string }> {
    const fields = await this.validate(body);
    const keyId = newKeyPart();
    const secret = newKeyPart();
    const now = nowMs();
    await this.keys.insert({
      keyId,
      hash: hashSecret(keyId, secret),
      ...fields,
      createdAt: now,
      updatedAt: now,
      lastUseAt: 0,
    });
    return { id: keyId, message: CREATED_MESSAGE, key: `${keyId}.${secret}` };
  }

  /**
   * `PUT /apikeys/{id}`: replaces name, scope, description, binding and expiration (omitted fields
   * are cleared, as SFTPGo). Unlike SFTPGo, an expiration once set can be shortened but never
   * extended nor removed: a leaked key's lifetime only ever gets shorter.
   */
  async update(keyId: string, body: ApiKeyDto): Promise<{ message: string }> {
    const { key } = await this.require(keyId);
    const fields = await this.validate(body);
    if (key.expiresAt > 0 && (fields.expiresAt <= 0 || fields.expiresAt > key.expiresAt)) {
      throw new ValidationError(
        `the expiration of an API key can be shortened but not extended or removed (it is ${key.expiresAt})`,
      );
    }
    await this.keys.update(key.id, { ...fields, updatedAt: nowMs() });
    this.authStates.delete(keyId);
    return { message: 'API key updated' };
  }

  /**
   * An API key from a backup, in the restore's transaction `em`, checked as POST/PUT are: a new key
   * keeps its id, its hashed `key` (a plain one is hashed) and its timestamps; an existing key
   * (unless `skipExisting`) gets the backup's fields but keeps its secret, as SFTPGo's restore does.
   * Call {@link forget} once the transaction is committed.
   */
  async restore(body: ApiKeyDto, skipExisting: boolean, em: EntityManager): Promise<RestoreOutcome> {
    const keyId = body.id ?? '';
    if (!keyId || keyId.length > 50 || keyId.includes('.')) {
      throw new ValidationError(`invalid API key id ${JSON.stringify(keyId)}`);
    }
    const existing = await this.keys.findByKeyId(keyId, em);
    if (existing && skipExisting) return 'skip';
    const fields = await this.validate(body, em);
    const now = nowMs();
    if (existing) {
      await this.keys.update(
        existing.key.id,
        { ...fields, updatedAt: Math.max(now, existing.key.updatedAt + 1) },
        em,
      );
      return 'update';
    }
    const secret = body.key ?? '';
    if (!secret) throw new ValidationError('the API key is mandatory');
    await this.keys.insert(
      {
        keyId,
        hash: isKnownHash(secret) ? secret : hashSecret(keyId, secret),
        ...fields,
        createdAt: body.created_at || now,
        updatedAt: body.updated_at || now,
        lastUseAt: body.last_use_at ?? 0,
      },
      em,
    );
    return 'add';
  }

  /** `DELETE /apikeys/{id}`: the key stops working at once here, within 2 s on other instances. */
  async delete(keyId: string): Promise<{ message: string }> {
    const { key } = await this.require(keyId);
    await this.keys.delete(key.id);
    this.authStates.delete(keyId);
    this.lastUseWritten.delete(keyId);
    return { message: 'API key deleted' };
  }

  /** The key's authentication state, from a short-lived cache; undefined for an unknown key. */
  authState(keyId: string): Promise<ApiKeyAuthState | undefined> {
    const now = nowMs();
    const cached = this.authStates.get(keyId);
    if (cached && now - cached.at < AUTH_STATE_TTL_MS) return cached.state;
    const state = this.keys.findByKeyId(keyId).then((row) =>
      row && isKnownHash(row.key.hash)
        ? {
            keyId,
            hash: row.key.hash,
            scope: row.key.scope as ApiKeyScope,
            expiresAt: row.key.expiresAt,
            admin: row.admin,
            user: row.user,
          }
        : undefined,
    );
    if (this.authStates.size >= MAX_CACHED_KEYS) this.authStates.clear();
    this.authStates.set(keyId, { at: now, state });
    state.catch(() => this.authStates.delete(keyId));
    return state;
  }

  /** Forgets the cached state of a key (its account is gone: the key may be gone with it). */
  forget(keyId: string): void {
    this.authStates.delete(keyId);
  }

  /** Records a successful use: `last_use_at` is written at most once a minute per key, off the request path. */
  recordUse(keyId: string): void {
    const now = nowMs();
    const last = this.lastUseWritten.get(keyId) ?? 0;
    if (now - last < LAST_USE_MIN_DELAY_MS) return;
    if (this.lastUseWritten.size >= MAX_CACHED_KEYS) this.lastUseWritten.clear();
    this.lastUseWritten.set(keyId, now);
    this.keys
      .touchLastUse(keyId, now)
      .catch((err: unknown) => this.logger.warn(`cannot record the use of API key ${keyId}: ${String(err)}`));
  }

  private async require(keyId: string): Promise<ApiKeyRow> {
    const row = await this.keys.findByKeyId(keyId);
    if (!row) throw new NotFoundError();
    return row;
  }

  /** SFTPGo's `APIKey.validate`, then the bound account resolved to its id. */
  private async validate(body: ApiKeyDto, em?: EntityManager): Promise<ApiKeyFields> {
    const name = body.name ?? '';
    const problem = nameProblem(name, this.config.data_provider.naming_rules, 'name');
    if (problem) throw new ValidationError(problem);
    const scope = body.scope ?? 0;
    if (scope !== ApiKeyScope.Admin && scope !== ApiKeyScope.User) {
      throw new ValidationError(`invalid scope: ${scope}`);
    }
    const rules = this.config.data_provider.naming_rules;
    let user = convertName(body.user ?? '', rules);
    let admin = convertName(body.admin ?? '', rules);
    if (user && admin) {
      throw new ValidationError('an API key can be related to a user or an admin, not both');
    }
    if (scope === ApiKeyScope.Admin) user = '';
    else admin = '';
    const expiresAt = body.expires_at ?? 0;
    if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
      throw new ValidationError(`invalid expiration: ${expiresAt}`);
    }
    const fields: ApiKeyFields = {
      name,
      scope,
      description: body.description || null,
      expiresAt,
      adminId: null,
      userId: null,
    };
    if (user) {
      fields.userId = (await this.keys.accountId('users', user, em)) ?? null;
      if (fields.userId === null) {
        throw new ValidationError(`unable to check API key user ${user}: the user does not exist`);
      }
    }
    if (admin) {
      fields.adminId = (await this.keys.accountId('admins', admin, em)) ?? null;
      if (fields.adminId === null) {
        throw new ValidationError(`unable to check API key admin ${admin}: the admin does not exist`);
      }
    }
    return fields;
  }
}

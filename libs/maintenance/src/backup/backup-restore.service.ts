import { AdminDto, AdminsService } from '@app/admins';
import { ApiKeyDto, ApiKeysService } from '@app/api-keys';
import { AuditService } from '@app/audit';
import {
  ApiError,
  BadRequestError,
  createValidationPipe,
  type Principal,
  type RestoreOutcome,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { translateDatabaseError } from '@app/database';
import { ConnectionRegistry } from '@app/files';
import { BaseVirtualFolderDto, FoldersService } from '@app/folders';
import { GroupDto, GroupsService } from '@app/groups';
import { RoleDto, RolesService } from '@app/roles';
import { IpListEntryDto, IpListsService } from '@app/security';
import { ShareDto, SharesService } from '@app/shares';
import { UserDto, UsersService } from '@app/users';
import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { QuotaScansService } from '../quotas/quota-scans.service';
import {
  readRestoreBody,
  readRestoreFile,
  type RestoreOptions,
  restoreOptions,
} from './backup-restore-input';

/** How one `BackupData` section is validated, named and restored. */
interface Section {
  /** The `BackupData` key. */
  key: string;
  /** The audit trail's object type (SFTPGo's `ProviderEventObjectType`). */
  objectType: string;
  dto: new () => object;
  /** Read-only timestamps the DTO drops but a restore keeps (checked here: integers >= 0). */
  keep?: string[];
  /** The object's name in messages and in the audit trail. */
  name(item: Record<string, unknown>): string;
  restore(
    principal: Principal,
    item: object,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome>;
}

/** One object written by a restore, for the work done after the commit. */
interface Restored {
  section: string;
  objectType: string;
  name: string;
  outcome: 'add' | 'update';
  item: Record<string, unknown>;
}

const MODE_ADD_ONLY = 1;
const MODE_DISCONNECT = 2;
const SCAN_ALL = 1;
const SCAN_RESTRICTED = 2;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * `/loaddata`: restores a `BackupData` (SFTPGo's format) all or nothing, unlike SFTPGo. Every object
 * is first checked against its endpoint's DTO rules; then all are written in ONE transaction, in
 * SFTPGo's order (ip_lists, roles, folders, groups, users, admins, api_keys, shares), each through
 * its service's own add/update path (same business checks, hashing, encryption), so that a reference
 * to an object earlier in the backup resolves. The first failure rolls everything back and is
 * answered with its status and a message naming the object. Caches, IP lists, disconnections, quota
 * scans and the audit trail follow the commit.
 */
@Injectable()
export class BackupRestoreService {
  private readonly logger = new Logger(BackupRestoreService.name);
  private readonly validation = createValidationPipe();
  private readonly sections: Section[];

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly folders: FoldersService,
    private readonly admins: AdminsService,
    private readonly roles: RolesService,
    private readonly apiKeys: ApiKeysService,
    private readonly shares: SharesService,
    private readonly ipLists: IpListsService,
    private readonly quotaScans: QuotaScansService,
    private readonly connections: ConnectionRegistry,
    private readonly audit: AuditService,
  ) {
    this.sections = [
      {
        key: 'ip_lists',
        objectType: 'ip_list_entry',
        dto: IpListEntryDto,
        name: (item) => text(item.ipornet),
        restore: (_p, item, skip, em) => this.ipLists.restore(item as IpListEntryDto, skip, em),
      },
      {
        key: 'roles',
        objectType: 'role',
        dto: RoleDto,
        name: (item) => text(item.name),
        restore: (p, item, skip, em) => this.roles.restore(p, item as RoleDto, skip, em),
      },
      {
        key: 'folders',
        objectType: 'folder',
        dto: BaseVirtualFolderDto,
        name: (item) => text(item.name),
        restore: (p, item, skip, em) => this.folders.restore(p, item as BaseVirtualFolderDto, skip, em),
      },
      {
        key: 'groups',
        objectType: 'group',
        dto: GroupDto,
        name: (item) => text(item.name),
        restore: (p, item, skip, em) => this.groups.restore(p, item as GroupDto, skip, em),
      },
      {
        key: 'users',
        objectType: 'user',
        dto: UserDto,
        keep: ['last_password_change'],
        name: (item) => text(item.username),
        restore: (p, item, skip, em) => this.users.restore(p, item as UserDto, skip, em),
      },
      {
        key: 'admins',
        objectType: 'admin',
        dto: AdminDto,
        name: (item) => text(item.username),
        restore: (p, item, skip, em) => this.admins.restore(p, item as AdminDto, skip, em),
      },
      {
        key: 'api_keys',
        objectType: 'api_key',
        dto: ApiKeyDto,
        name: (item) => text(item.id),
        restore: (_p, item, skip, em) => this.apiKeys.restore(item as ApiKeyDto, skip, em),
      },
      {
        key: 'shares',
        objectType: 'share',
        dto: ShareDto,
        name: (item) => text(item.id),
        restore: (_p, item, skip, em) => this.shares.restore(item as ShareDto, skip, em),
      },
    ];
  }

  /** `POST /loaddata`: the backup is the raw JSON body (20 MiB at most, 413 beyond). */
  async loadBody(
    principal: Principal,
    ip: string,
    body: Readable,
    scanQuota: unknown,
    mode: unknown,
  ): Promise<{ message: string }> {
    const options = restoreOptions(scanQuota, mode);
    const content = await readRestoreBody(body);
    if (content.length === 0) throw new BadRequestError('request body is required');
    return this.restore(principal, ip, content, '', options);
  }

  /** `GET /loaddata`: the backup is `input-file`, a file inside `data_provider.backups_path`. */
  async loadFile(
    principal: Principal,
    ip: string,
    inputFile: unknown,
    scanQuota: unknown,
    mode: unknown,
  ): Promise<{ message: string }> {
    const options = restoreOptions(scanQuota, mode);
    const content = await readRestoreFile(this.config.data_provider.backups_path, inputFile);
    return this.restore(principal, ip, content, String(inputFile), options);
  }

  private async restore(
    principal: Principal,
    ip: string,
    content: Buffer,
    source: string,
    options: RestoreOptions,
  ): Promise<{ message: string }> {
    const backup = this.parse(content, source);
    const validated = await this.validate(backup);
    const skipExisting = options.mode === MODE_ADD_ONLY;
    const restored: Restored[] = [];
    await this.dataSource.transaction(async (em) => {
      for (const section of this.sections) {
        for (const [index, item] of (validated.get(section.key) ?? []).entries()) {
          const raw = backup[section.key] as Record<string, unknown>[];
          const name = section.name(raw[index]);
          try {
            const outcome = await section.restore(principal, item, skipExisting, em);
            if (outcome !== 'skip') {
              restored.push({
                section: section.key,
                objectType: section.objectType,
                name,
                outcome,
                item: raw[index],
              });
            }
          } catch (error) {
            throw located(section.key, index, name, error);
          }
        }
      }
    });
    await this.afterCommit(principal, ip, restored, options);
    return { message: 'Data restored' };
  }

  /** The backup as a JSON object whose sections are arrays of objects (or absent / null). */
  private parse(content: Buffer, source: string): Record<string, unknown> {
    let backup: unknown;
    try {
      backup = JSON.parse(content.toString('utf8'));
    } catch (error) {
      throw new BadRequestError(
        `invalid input_file ${JSON.stringify(source)}`,
        `unable to parse backup content: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (typeof backup !== 'object' || backup === null || Array.isArray(backup)) {
      throw new BadRequestError(
        `invalid input_file ${JSON.stringify(source)}`,
        'unable to parse backup content: a JSON object is expected',
      );
    }
    const data = backup as Record<string, unknown>;
    for (const key of [...this.sections.map((s) => s.key), 'event_actions', 'event_rules']) {
      const value = data[key];
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) throw new BadRequestError(`Validation error: ${key} must be an array`);
      const bad = value.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
      if (bad >= 0) throw new BadRequestError(`Validation error: ${key}[${bad}] must be an object`);
    }
    const events = ['event_actions', 'event_rules'].filter((key) => (data[key] as unknown[] | null)?.length);
    if (events.length > 0) {
      this.logger.warn(`restore: ${events.join(' and ')} ignored: event rules are not supported`);
    }
    return data;
  }

  /** Every object through its endpoint's DTO rules (the validation pipe), before anything is written. */
  private async validate(backup: Record<string, unknown>): Promise<Map<string, object[]>> {
    const validated = new Map<string, object[]>();
    for (const section of this.sections) {
      const items = (backup[section.key] as Record<string, unknown>[] | null | undefined) ?? [];
      const dtos: object[] = [];
      for (const [index, item] of items.entries()) {
        try {
          const dto = (await this.validation.transform(item, {
            type: 'body',
            metatype: section.dto,
          })) as Record<string, unknown>;
          for (const field of section.keep ?? []) {
            const value = item[field];
            if (value === undefined || value === null) continue;
            if (!Number.isSafeInteger(value) || (value as number) < 0) {
              throw new BadRequestError(`Validation error: ${field}: must be a non-negative integer`);
            }
            dto[field] = value;
          }
          dtos.push(dto);
        } catch (error) {
          throw located(section.key, index, section.name(item), error);
        }
      }
      validated.set(section.key, dtos);
    }
    return validated;
  }

  /** Caches, IP lists, disconnections (mode 2), quota scans and the audit trail, once committed. */
  private async afterCommit(
    principal: Principal,
    ip: string,
    restored: Restored[],
    options: RestoreOptions,
  ): Promise<void> {
    for (const object of restored) {
      if (object.section === 'users') this.users.forgetAuthState(this.users.normalizeUsername(object.name));
      if (object.section === 'admins')
        this.admins.forgetAuthState(this.admins.normalizeUsername(object.name));
      if (object.section === 'api_keys') this.apiKeys.forget(object.name);
    }
    if (restored.some((object) => object.section === 'ip_lists')) await this.ipLists.refresh();
    for (const object of restored) {
      if (object.section === 'users' && object.outcome === 'update' && options.mode === MODE_DISCONNECT) {
        this.connections.closeFor(this.users.normalizeUsername(object.name));
      }
    }
    await this.scanQuotas(restored, options.scanQuota);
    for (const object of restored) {
      await this.audit.record({
        action: object.outcome,
        objectType: object.objectType,
        objectName: object.name,
        username: principal.username,
        ip,
        role: principal.role,
      });
    }
  }

  /**
   * SFTPGo's scans after a restore: `scan-quota` 1 every restored user, 2 the users with a quota
   * limit; folders for either. A scan that cannot start (one already running, tracking disabled) is
   * logged, not a restore failure.
   */
  private async scanQuotas(restored: Restored[], scanQuota: number): Promise<void> {
    if (scanQuota !== SCAN_ALL && scanQuota !== SCAN_RESTRICTED) return;
    for (const object of restored) {
      let scan: Promise<void> | undefined;
      if (object.section === 'folders')
        scan = this.quotaScans.startFolderScan(this.folders.normalizeName(object.name));
      if (object.section === 'users') {
        const limited = Number(object.item.quota_size ?? 0) > 0 || Number(object.item.quota_files ?? 0) > 0;
        if (scanQuota === SCAN_ALL || limited) {
          scan = this.quotaScans.startUserScan(this.users.normalizeUsername(object.name));
        }
      }
      await scan?.catch((error: unknown) =>
        this.logger.warn(
          `restore: unable to start the quota scan of ${object.objectType} ${JSON.stringify(object.name)}: ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
      );
    }
  }
}

/**
 * The error of one object, with its status and a message saying where: `users[3] "bob": ...`.
 * Driver errors (duplicates, broken references) get their usual status; others stay 500s.
 */
function located(section: string, index: number, name: string, error: unknown): unknown {
  const apiError = error instanceof ApiError ? error : translateDatabaseError(error);
  if (!apiError) return error;
  const where = `${section}[${index}] ${JSON.stringify(name)}`;
  return new ApiError(
    apiError.status,
    `${where}: ${apiError.error || apiError.publicMessage}`,
    apiError.error ? apiError.publicMessage : '',
    apiError.headers,
  );
}

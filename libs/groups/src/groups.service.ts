import {
  cleanPath,
  convertName,
  isAbsPath,
  type ListQuery,
  nameProblem,
  NotFoundError,
  nowMs,
  type Principal,
  validateBaseUserFilters,
  validatePermissions,
  ValidationError,
  restoreObject,
  type RestoreOutcome,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { FoldersService, type ResolvedVirtualFolder } from '@app/folders';
import { secretViewFor, type SecretView } from '@app/kms';
import { type FilesystemConfig, FilesystemConfigService } from '@app/storage';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GroupDto, GroupUserSettingsDto } from './dto/group.dto';
import type { GroupEntity, GroupUserSettings } from './entities/group.entity';
import { groupToWire, type GroupWire } from './groups.mapper';
import { GroupsRepository } from './groups.repository';

/** Longest description the column holds. */
const MAX_DESCRIPTION_LENGTH = 512;

/** Groups: the `/groups` endpoints (`manage_groups`, checked by the routes). */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly folders: FoldersService,
    private readonly filesystems: FilesystemConfigService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {}

  /** Applies the naming rules to a group name (on save and on lookup). */
  normalizeName(name: string): string {
    return convertName(name, this.config.data_provider.naming_rules);
  }

  /** `GET /groups`: one page ordered by name, with mounts and back-references (secrets hidden). */
  async list(_principal: Principal, query: ListQuery): Promise<GroupWire[]> {
    const groups = await this.groups.list(query);
    const ids = groups.map((group) => group.id);
    const [mounts, refs] = await Promise.all([this.groups.mounts(ids), this.groups.references(ids)]);
    return groups.map((group) => groupToWire(group, mounts.get(group.id), refs.get(group.id)));
  }

  /**
   * One page of all groups for `/dumpdata`, ordered by name: with mounts, secrets not redacted, and no
   * back-references (SFTPGo's dump has none).
   */
  async dumpPage(offset: number, limit: number): Promise<GroupWire[]> {
    const groups = await this.groups.list({ offset, limit, order: 'ASC' });
    const mounts = await this.groups.mounts(groups.map((group) => group.id));
    return groups.map((group) => groupToWire(group, mounts.get(group.id), undefined, 'confidential'));
  }

  /** `GET /groups/{name}`. */
  async get(principal: Principal, rawName: string, confidential: unknown): Promise<GroupWire> {
    const group = await this.groups.findByName(this.normalizeName(rawName));
    if (!group) throw new NotFoundError();
    return this.toWire(group, secretViewFor(principal, confidential));
  }

  /** `POST /groups`: a duplicate name is a 409 (unique index); the group and its mounts in one transaction. */
  async create(principal: Principal, body: GroupDto, confidential: unknown): Promise<GroupWire> {
    const group = await this.dataSource.transaction((em) => this.insert(body, em));
    return this.toWire(group, secretViewFor(principal, confidential));
  }

  /**
   * `PUT /groups/{name}`: a full replace (name and id from storage; secrets sent back as GET returned
   * them are kept); the members get a new `updated_at`.
   */
  async update(_principal: Principal, rawName: string, body: GroupDto): Promise<{ message: string }> {
    const name = this.normalizeName(rawName);
    await this.dataSource.transaction(async (em) => {
      const group = await this.groups.findByName(name, em);
      if (!group) throw new NotFoundError();
      await this.replace(group, body, em);
    });
    return { message: 'Group updated' };
  }

  /**
   * A group from a backup, in the restore's transaction `em`: added, or (unless `skipExisting`)
   * updated, through the same checks and writes as POST and PUT.
   */
  async restore(
    _principal: Principal,
    body: GroupDto,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome> {
    const existing = await this.groups.findByName(this.normalizeName(body.name ?? ''), em);
    return restoreObject(
      existing,
      skipExisting,
      () => this.insert(body, em),
      (found) => this.replace(found, body, em),
    );
  }

  /**
   * `DELETE /groups/{name}`: refused while a user belongs to the group; its mounts and the admins'
   * group options go with it (cascade).
   */
  async delete(_principal: Principal, rawName: string): Promise<{ message: string }> {
    const name = this.normalizeName(rawName);
    await this.dataSource.transaction(async (em: EntityManager) => {
      const group = await this.groups.findByName(name, em);
      if (!group) throw new NotFoundError();
      if ((await this.groups.memberCount(group.id, em)) > 0) {
        throw new ValidationError(
          `the group ${JSON.stringify(group.name)} is referenced, it cannot be removed`,
        );
      }
      await this.groups.delete(group.id, em);
    });
    return { message: 'Group deleted' };
  }

  /** POST's checks and writes: the group and its mounts. A duplicate name is a 409 (unique index). */
  private async insert(body: GroupDto, em: EntityManager): Promise<GroupEntity> {
    const name = this.normalizeName(body.name ?? '');
    const problem = nameProblem(name, this.config.data_provider.naming_rules, 'name');
    if (problem) throw new ValidationError(problem);
    const description = validDescription(body.description);
    const mounts = await this.folders.resolveVirtualFolders(body.virtual_folders, em);
    const userSettings = this.validUserSettings(body.user_settings, undefined, name);
    const now = nowMs();
    const created = await this.groups.insert(
      { name, description, userSettings, createdAt: now, updatedAt: now },
      em,
    );
    await this.groups.replaceMounts(created.id, mounts, em);
    return created;
  }

  /** PUT's checks and writes: description, settings and mounts replaced; the members bumped. */
  private async replace(group: GroupEntity, body: GroupDto, em: EntityManager): Promise<void> {
    const description = validDescription(body.description);
    const mounts: ResolvedVirtualFolder[] = await this.folders.resolveVirtualFolders(
      body.virtual_folders,
      em,
    );
    const userSettings = this.validUserSettings(body.user_settings, group.userSettings, group.name);
    const now = Math.max(nowMs(), group.updatedAt + 1);
    await this.groups.update(group.id, { description, userSettings, updatedAt: now }, em);
    await this.groups.replaceMounts(group.id, mounts, em);
    await this.groups.touchMembers(group.id, now, em);
  }

  private async toWire(group: GroupEntity, view: SecretView): Promise<GroupWire> {
    const [mounts, refs] = await Promise.all([
      this.groups.mounts([group.id]),
      this.groups.references([group.id]),
    ]);
    return groupToWire(group, mounts.get(group.id), refs.get(group.id), view);
  }

  /**
   * SFTPGo's group `validateUserSettings`: home_dir absolute (cleaned) when set; permissions like a
   * user's but `/` not required; base filters with `tls_certs` and `user_type` cleared; filesystem
   * secrets bound to `group_<name>`; a total transfer limit replaces the upload/download ones.
   */
  private validUserSettings(
    input: GroupUserSettingsDto | undefined,
    previous: GroupUserSettings | undefined,
    groupName: string,
  ): GroupUserSettings {
    const raw = input ?? {};
    const homeDir = raw.home_dir ?? '';
    let cleanedHome = '';
    if (homeDir !== '') {
      cleanedHome = cleanPath(homeDir);
      if (!isAbsPath(cleanedHome)) {
        throw new ValidationError(`home_dir must be an absolute path, actual value: ${homeDir}`);
      }
    }
    const filesystem: FilesystemConfig = this.filesystems.prepare(raw.filesystem, previous?.filesystem, {
      additionalData: `group_${groupName}`,
      owner: 'group',
    });
    const permissions = validatePermissions(raw.permissions, { requireRoot: false });
    const filters = validateBaseUserFilters(raw.filters, { group: true });
    const total = raw.total_data_transfer ?? 0;
    const settings: GroupUserSettings = {
      max_sessions: raw.max_sessions ?? 0,
      quota_size: raw.quota_size ?? 0,
      quota_files: raw.quota_files ?? 0,
      permissions,
      upload_bandwidth: raw.upload_bandwidth ?? 0,
      download_bandwidth: raw.download_bandwidth ?? 0,
      upload_data_transfer: total > 0 ? 0 : (raw.upload_data_transfer ?? 0),
      download_data_transfer: total > 0 ? 0 : (raw.download_data_transfer ?? 0),
      total_data_transfer: total,
      expires_in: raw.expires_in ?? 0,
      filters,
      filesystem,
    };
    if (cleanedHome !== '') settings.home_dir = cleanedHome;
    return settings;
  }
}

function validDescription(description: string | null | undefined): string | null {
  if (description && [...description].length > MAX_DESCRIPTION_LENGTH) {
    throw new ValidationError(
      `description is too long: at most ${MAX_DESCRIPTION_LENGTH} characters are allowed`,
    );
  }
  return description || null;
}

import {
  cleanPath,
  convertName,
  isAbsPath,
  type ListQuery,
  nameProblem,
  NotFoundError,
  nowMs,
  type Principal,
  ValidationError,
  restoreObject,
  type RestoreOutcome,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { secretViewFor } from '@app/kms';
import { type FilesystemConfig, FilesystemConfigService, FsProvider } from '@app/storage';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { BaseVirtualFolderDto } from './dto/folder.dto';
import { FolderEntity } from './entities/folder.entity';
import { folderToWire, type FolderWire } from './folders.mapper';
import { FoldersRepository } from './folders.repository';
import { parseVirtualFolderMounts } from './virtual-folders';

/** A validated mount of an existing folder, ready to be stored in a users' or groups' mapping table. */
export interface ResolvedVirtualFolder {
  folder: FolderEntity;
  virtualPath: string;
  quotaSize: number;
  quotaFiles: number;
  subpath: string | null;
}

/** Longest description the column holds. */
const MAX_DESCRIPTION_LENGTH = 512;
/** Longest mapped path the column holds. */
const MAX_MAPPED_PATH_LENGTH = 512;

/** Virtual folders: the `/folders` endpoints (`manage_folders`, checked by the routes) and folder mounts. */
@Injectable()
export class FoldersService {
  constructor(
    private readonly folders: FoldersRepository,
    private readonly filesystems: FilesystemConfigService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {}

  /** Applies the naming rules to a folder name (on save and on lookup). */
  normalizeName(name: string): string {
    return convertName(name, this.config.data_provider.naming_rules);
  }

  /** `GET /folders`: one page ordered by name, with back-references (secrets hidden). */
  async list(_principal: Principal, query: ListQuery): Promise<FolderWire[]> {
    const folders = await this.folders.list(query);
    const refs = await this.folders.references(folders.map((folder) => folder.id));
    return folders.map((folder) => folderToWire(folder, refs.get(folder.id)));
  }

  /** One page of all folders for `/dumpdata`, ordered by name: secrets not redacted, no back-references. */
  async dumpPage(offset: number, limit: number): Promise<FolderWire[]> {
    const folders = await this.folders.list({ offset, limit, order: 'ASC' });
    return folders.map((folder) => folderToWire(folder, undefined, 'confidential'));
  }

  /** `GET /folders/{name}`. */
  async get(principal: Principal, rawName: string, confidential: unknown): Promise<FolderWire> {
    const folder = await this.folders.findByName(this.normalizeName(rawName));
    if (!folder) throw new NotFoundError();
    const refs = await this.folders.references([folder.id]);
    return folderToWire(folder, refs.get(folder.id), secretViewFor(principal, confidential));
  }

  /**
   * `POST /folders`: the used quota from the body is stored (as SFTPGo does, for restores); `users`
   * is ignored; a duplicate name is a 409 (unique index).
   */
  async create(principal: Principal, body: BaseVirtualFolderDto, confidential: unknown): Promise<FolderWire> {
    const folder = await this.dataSource.transaction((em) => this.insert(body, em));
    return folderToWire(folder, undefined, secretViewFor(principal, confidential));
  }

  /**
   * `PUT /folders/{name}`: only `mapped_path`, `description` and `filesystem` change (secrets sent
   * back as GET returned them are kept); the users mounting the folder get a new `updated_at`.
   */
  async update(
    _principal: Principal,
    rawName: string,
    body: BaseVirtualFolderDto,
  ): Promise<{ message: string }> {
    const name = this.normalizeName(rawName);
    await this.dataSource.transaction(async (em) => {
      const folder = await this.folders.findByName(name, em);
      if (!folder) throw new NotFoundError();
      await this.replace(folder, body, em);
    });
    return { message: 'Folder updated' };
  }

  /**
   * A folder from a backup, in the restore's transaction `em`: added with the dump's used quota, or
   * (unless `skipExisting`) updated, through the same checks and writes as POST and PUT.
   */
  async restore(
    _principal: Principal,
    body: BaseVirtualFolderDto,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome> {
    const existing = await this.folders.findByName(this.normalizeName(body.name ?? ''), em);
    return restoreObject(
      existing,
      skipExisting,
      () => this.insert(body, em),
      (found) => this.replace(found, body, em),
    );
  }

  /** `DELETE /folders/{name}`: allowed while mounted; the mounts go (cascade) and their users are bumped. */
  async delete(_principal: Principal, rawName: string): Promise<{ message: string }> {
    const name = this.normalizeName(rawName);
    await this.dataSource.transaction(async (em) => {
      const folder = await this.folders.findByName(name, em);
      if (!folder) throw new NotFoundError();
      // Before the delete: afterwards the mappings that find the users are gone.
      await this.folders.touchUsersOf(folder.id, nowMs(), em);
      await this.folders.delete(folder.id, em);
    });
    return { message: 'Folder deleted' };
  }

  /**
   * Validates a user's or group's `virtual_folders` (SFTPGo's rules, see `parseVirtualFolderMounts`)
   * and loads the folders they mount, in `manager`'s transaction. A folder that does not exist is a
   * 400 `folder "x" does not exist` (SFTPGo answers 500 there).
   */
  async resolveVirtualFolders(input: unknown, manager: EntityManager): Promise<ResolvedVirtualFolder[]> {
    const mounts = parseVirtualFolderMounts(input, this.config.data_provider.naming_rules);
    const found = await this.folders.findByNames(
      mounts.map((mount) => mount.name),
      manager,
    );
    const byName = new Map(found.map((folder) => [folder.name, folder]));
    return mounts.map((mount) => {
      const folder = byName.get(mount.name);
      if (!folder) throw new ValidationError(`folder ${JSON.stringify(mount.name)} does not exist`);
      return {
        folder,
        virtualPath: mount.virtualPath,
        quotaSize: mount.quotaSize,
        quotaFiles: mount.quotaFiles,
        subpath: mount.subpath,
      };
    });
  }

  /** POST's checks and insert (the used quota from the body is kept, as SFTPGo does for restores). */
  private insert(body: BaseVirtualFolderDto, em: EntityManager): Promise<FolderEntity> {
    const name = this.normalizeName(body.name ?? '');
    const problem = nameProblem(name, this.config.data_provider.naming_rules, 'folder name');
    if (problem) throw new ValidationError(problem);
    const filesystem = this.filesystems.prepare(body.filesystem, undefined, {
      additionalData: `folder_${name}`,
      owner: 'folder',
    });
    return this.folders.insert(
      {
        name,
        description: this.validDescription(body.description),
        mappedPath: this.validMappedPath(body.mapped_path, filesystem),
        usedQuotaSize: nonNegative(body.used_quota_size, 'used_quota_size'),
        usedQuotaFiles: nonNegative(body.used_quota_files, 'used_quota_files'),
        lastQuotaUpdate: nonNegative(body.last_quota_update, 'last_quota_update'),
        filesystem,
      },
      em,
    );
  }

  /** PUT's checks and update: mapped path, description and filesystem; the mounting users are bumped. */
  private async replace(folder: FolderEntity, body: BaseVirtualFolderDto, em: EntityManager): Promise<void> {
    const filesystem = this.filesystems.prepare(body.filesystem, folder.filesystem, {
      additionalData: `folder_${folder.name}`,
      owner: 'folder',
    });
    const changes = {
      mappedPath: this.validMappedPath(body.mapped_path, filesystem),
      description: this.validDescription(body.description),
      filesystem,
    };
    await this.folders.update(folder.id, changes, em);
    await this.folders.touchUsersOf(folder.id, nowMs(), em);
  }

  /**
   * `mapped_path` is required and absolute (cleaned) for local and encrypted folders, and checked
   * whenever given (`invalid folder mapped path`).
   */
  private validMappedPath(raw: string | undefined, filesystem: FilesystemConfig): string | null {
    const value = raw ?? '';
    const local = filesystem.provider === FsProvider.Local || filesystem.provider === FsProvider.Crypt;
    if (!local && value === '') return null;
    const cleaned = cleanPath(value);
    if (!isAbsPath(cleaned)) throw new ValidationError(`invalid folder mapped path ${JSON.stringify(value)}`);
    if (cleaned.length > MAX_MAPPED_PATH_LENGTH) {
      throw new ValidationError(
        `mapped_path is too long: at most ${MAX_MAPPED_PATH_LENGTH} characters are allowed`,
      );
    }
    return cleaned;
  }

  private validDescription(description: string | null | undefined): string | null {
    if (description && [...description].length > MAX_DESCRIPTION_LENGTH) {
      throw new ValidationError(
        `description is too long: at most ${MAX_DESCRIPTION_LENGTH} characters are allowed`,
      );
    }
    return description || null;
  }
}

/** Used quota values from a POST body: integers >= 0 (0 when absent). */
function nonNegative(value: number | undefined, field: string): number {
  if (value === undefined || value === null) return 0;
  if (value < 0) throw new ValidationError(`${field} cannot be negative`);
  return value;
}

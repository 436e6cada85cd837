import {
  ConflictError,
  convertName,
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
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RoleDto } from './dto/role.dto';
import type { RoleEntity } from './entities/role.entity';
import { roleToWire, type RoleWire } from './roles.mapper';
import { RolesRepository } from './roles.repository';

/** Longest description the column holds. */
const MAX_DESCRIPTION_LENGTH = 512;

/** Checks a free-text description against its column size. */
export function descriptionProblem(description: string | null | undefined): string | undefined {
  if (description && [...description].length > MAX_DESCRIPTION_LENGTH) {
    return `description is too long: at most ${MAX_DESCRIPTION_LENGTH} characters are allowed`;
  }
  return undefined;
}

/** Roles: the `/roles` endpoints (all need `*`, checked by the route) and role lookups for others. */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RolesRepository,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {}

  /** Applies the naming rules to a role name (on save and on lookup). */
  normalizeName(name: string): string {
    return convertName(name, this.config.data_provider.naming_rules);
  }

  /** `GET /roles`: one page ordered by name, with back-references. */
  async list(_principal: Principal, query: ListQuery): Promise<RoleWire[]> {
    const roles = await this.roles.list(query);
    const refs = await this.roles.references(roles.map((role) => role.id));
    return roles.map((role) => roleToWire(role, refs.get(role.id)));
  }

  /** One page of all roles for `/dumpdata`, ordered by name, without back-references (as SFTPGo's dump). */
  async dumpPage(offset: number, limit: number): Promise<RoleWire[]> {
    return (await this.roles.list({ offset, limit, order: 'ASC' })).map((role) => roleToWire(role));
  }

  /** `GET /roles/{name}`. */
  async get(_principal: Principal, rawName: string): Promise<RoleWire> {
    const role = await this.require(rawName);
    const refs = await this.roles.references([role.id]);
    return roleToWire(role, refs.get(role.id));
  }

  /** `POST /roles`: a duplicate name is a 409 (unique index). */
  async create(_principal: Principal, body: RoleDto): Promise<RoleWire> {
    return roleToWire(await this.insert(body, this.dataSource.manager));
  }

  /** `PUT /roles/{name}`: a full replace in which only the description can change. */
  async update(_principal: Principal, rawName: string, body: RoleDto): Promise<{ message: string }> {
    await this.replace(await this.require(rawName), body, this.dataSource.manager);
    return { message: 'Role updated' };
  }

  /**
   * A role from a backup, in the restore's transaction `em`: added, or (unless `skipExisting`)
   * updated, through the same checks and writes as POST and PUT.
   */
  async restore(
    _principal: Principal,
    body: RoleDto,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome> {
    const existing = await this.roles.findByName(this.normalizeName(body.name ?? ''), em);
    return restoreObject(
      existing,
      skipExisting,
      () => this.insert(body, em),
      (found) => this.replace(found, body, em),
    );
  }

  private async insert(body: RoleDto, em: EntityManager): Promise<RoleEntity> {
    const name = this.normalizeName(body.name ?? '');
    const problem = nameProblem(name, this.config.data_provider.naming_rules, 'name');
    if (problem) throw new ValidationError(problem);
    const description = this.validDescription(body.description);
    const now = nowMs();
    return this.roles.insert({ name, description, createdAt: now, updatedAt: now }, em);
  }

  private async replace(role: RoleEntity, body: RoleDto, em: EntityManager): Promise<void> {
    const description = this.validDescription(body.description);
    await this.roles.update(role.id, { description, updatedAt: Math.max(nowMs(), role.updatedAt + 1) }, em);
  }

  /**
   * `DELETE /roles/{name}`: refused while an admin holds the role; its users lose it (and get a new
   * `updated_at`), in one transaction.
   */
  async delete(_principal: Principal, rawName: string): Promise<{ message: string }> {
    const name = this.normalizeName(rawName);
    await this.dataSource.transaction(async (em) => {
      const role = await this.roles.findByName(name, em);
      if (!role) throw new NotFoundError();
      if ((await this.roles.adminCount(role.id, em)) > 0) {
        throw new ValidationError(`the role "${role.name}" is referenced, it cannot be removed`);
      }
      await this.roles.detachUsers(role.id, nowMs(), em);
      await this.roles.delete(role.id, em);
    });
    return { message: 'Role deleted' };
  }

  /**
   * The id of the role an admin or user refers to (naming rules applied), null for no role; a
   * missing role is a 409, as SFTPGo's foreign key violation.
   */
  async resolveRoleId(rawName: string | null | undefined, em?: EntityManager): Promise<number | null> {
    if (!rawName) return null;
    const name = this.normalizeName(rawName);
    const role = await this.roles.findByName(name, em);
    if (!role) throw new ConflictError(`the role "${name}" does not exist`);
    return role.id;
  }

  private async require(rawName: string): Promise<RoleEntity> {
    const role = await this.roles.findByName(this.normalizeName(rawName));
    if (!role) throw new NotFoundError();
    return role;
  }

  private validDescription(description: string | null | undefined): string | null {
    const problem = descriptionProblem(description);
    if (problem) throw new ValidationError(problem);
    return description || null;
  }
}

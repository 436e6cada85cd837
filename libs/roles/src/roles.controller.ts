import {
  AdminPermission,
  ApiResponseDto,
  Audited,
  Authenticated,
  CurrentPrincipal,
  type ListQuery,
  ListQueryPipe,
  type Principal,
  ApiListQuery,
  setLocation,
} from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RoleDto } from './dto/role.dto';
import type { RoleWire } from './roles.mapper';
import { RolesService } from './roles.service';

/** `/api/v2/roles`: super admins only. */
@ApiTags('roles')
@ApiBearerAuth()
@Controller('roles')
@Authenticated({ as: 'admin', permission: AdminPermission.All })
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @ApiOperation({ operationId: 'get_roles', summary: 'Get roles' })
  @ApiListQuery()
  @ApiOkResponse({ type: [RoleDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<RoleWire[]> {
    return this.roles.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'role', name: 'location' })
  @ApiOperation({ operationId: 'add_role', summary: 'Add role' })
  @ApiCreatedResponse({ type: RoleDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RoleDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoleWire> {
    const role = await this.roles.create(principal, body);
    setLocation(reply, 'roles', role.name);
    return role;
  }

  @Get(':name')
  @ApiOperation({ operationId: 'get_role_by_name', summary: 'Find roles by name' })
  @ApiOkResponse({ type: RoleDto })
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<RoleWire> {
    return this.roles.get(principal, name);
  }

  @Put(':name')
  @Audited({ type: 'role', name: 'param:name' })
  @ApiOperation({ operationId: 'update_role', summary: 'Update role' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() body: RoleDto,
  ): Promise<ApiResponseDto> {
    return this.roles.update(principal, name, body);
  }

  @Delete(':name')
  @Audited({ type: 'role', name: 'param:name' })
  @ApiOperation({ operationId: 'delete_role', summary: 'Delete role' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ApiResponseDto> {
    return this.roles.delete(principal, name);
  }
}

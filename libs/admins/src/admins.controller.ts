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
import type { AdminProfileWire, AdminWire } from './admins.mapper';
import { AdminsService } from './admins.service';
import { AdminDto, AdminProfileDto, PwdChangeDto } from './dto/admin.dto';

/** `/api/v2/admins`: super admins only. */
@ApiTags('admins')
@ApiBearerAuth()
@Controller('admins')
@Authenticated({ as: 'admin', permission: AdminPermission.All })
export class AdminsController {
  constructor(private readonly admins: AdminsService) {}

  @Get()
  @ApiOperation({ operationId: 'get_admins', summary: 'Get admins' })
  @ApiListQuery()
  @ApiOkResponse({ type: [AdminDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<AdminWire[]> {
    return this.admins.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'admin', name: 'location' })
  @ApiOperation({ operationId: 'add_admin', summary: 'Add admin' })
  @ApiCreatedResponse({ type: AdminDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: AdminDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminWire> {
    const admin = await this.admins.create(principal, body);
    setLocation(reply, 'admins', admin.username);
    return admin;
  }

  @Get(':username')
  @ApiOperation({ operationId: 'get_admin_by_username', summary: 'Find admins by username' })
  @ApiOkResponse({ type: AdminDto })
  get(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<AdminWire> {
    return this.admins.get(principal, username);
  }

  @Put(':username')
  @Audited({ type: 'admin', name: 'param:username' })
  @ApiOperation({ operationId: 'update_admin', summary: 'Update admin' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
    @Body() body: AdminDto,
  ): Promise<ApiResponseDto> {
    return this.admins.update(principal, username, body);
  }

  @Delete(':username')
  @Audited({ type: 'admin', name: 'param:username' })
  @ApiOperation({ operationId: 'delete_admin', summary: 'Delete admin' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
  ): Promise<ApiResponseDto> {
    return this.admins.delete(principal, username);
  }
}

/** `/api/v2/admin/profile` and `/api/v2/admin/changepwd`: any admin, never with an API key. */
@ApiTags('admins')
@ApiBearerAuth()
@Controller('admin')
@Authenticated({ as: 'admin', allowApiKey: false })
export class AdminProfileController {
  constructor(private readonly admins: AdminsService) {}

  @Get('profile')
  @ApiOperation({ operationId: 'get_admin_profile', summary: 'Get admin profile' })
  @ApiOkResponse({ type: AdminProfileDto })
  getProfile(@CurrentPrincipal() principal: Principal): Promise<AdminProfileWire> {
    return this.admins.getProfile(principal);
  }

  @Put('profile')
  @Audited({ type: 'admin', name: 'principal' })
  @ApiOperation({ operationId: 'update_admin_profile', summary: 'Update admin profile' })
  @ApiOkResponse({ type: ApiResponseDto })
  updateProfile(
    @CurrentPrincipal() principal: Principal,
    @Body() body: AdminProfileDto,
  ): Promise<ApiResponseDto> {
    return this.admins.updateProfile(principal, body);
  }

  @Put('changepwd')
  @Audited({ type: 'admin', name: 'principal' })
  @ApiOperation({ operationId: 'change_admin_password', summary: 'Change admin password' })
  @ApiOkResponse({ type: ApiResponseDto })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PwdChangeDto,
  ): Promise<ApiResponseDto> {
    return this.admins.changePassword(principal, body);
  }
}

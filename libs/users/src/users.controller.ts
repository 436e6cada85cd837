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
  ApiConfidentialQuery,
} from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { UserDto } from './dto/user.dto';
import type { UserWire } from './users.mapper';
import { UsersService } from './users.service';

/** `/api/v2/users`: admins with the users permissions; role admins see only their role's users. */
@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('APIKeyAuth')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewUsers })
  @ApiOperation({ operationId: 'get_users', summary: 'Get users' })
  @ApiListQuery()
  @ApiOkResponse({ type: [UserDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<UserWire[]> {
    return this.users.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ as: 'admin', permission: AdminPermission.AddUsers })
  @Audited({ type: 'user', name: 'location' })
  @ApiOperation({ operationId: 'add_user', summary: 'Add user' })
  @ApiConfidentialQuery()
  @ApiCreatedResponse({ type: UserDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UserDto,
    @Query('confidential_data') confidential: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserWire> {
    const user = await this.users.create(principal, body, confidential);
    reply.header('location', `/api/v2/users/${encodeURIComponent(user.username)}`);
    return user;
  }

  @Get(':username')
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewUsers })
  @ApiOperation({ operationId: 'get_user_by_username', summary: 'Find user by username' })
  @ApiConfidentialQuery()
  @ApiOkResponse({ type: UserDto })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
    @Query('confidential_data') confidential: string | undefined,
  ): Promise<UserWire> {
    return this.users.get(principal, username, confidential);
  }

  @Put(':username')
  @Authenticated({ as: 'admin', permission: AdminPermission.EditUsers })
  @Audited({ type: 'user', name: 'param:username' })
  @ApiOperation({ operationId: 'update_user', summary: 'Update user' })
  @ApiQuery({ name: 'disconnect', required: false, enum: [0, 1] })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
    @Body() body: UserDto,
    @Query('disconnect') disconnect: string | undefined,
  ): Promise<{ message: string }> {
    return this.users.update(principal, username, body, disconnect);
  }

  @Delete(':username')
  @Authenticated({ as: 'admin', permission: AdminPermission.DelUsers })
  @Audited({ type: 'user', name: 'param:username' })
  @ApiOperation({ operationId: 'delete_user', summary: 'Delete user' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
  ): Promise<{ message: string }> {
    return this.users.delete(principal, username);
  }
}

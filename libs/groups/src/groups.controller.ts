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
  setLocation,
} from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GroupDto } from './dto/group.dto';
import type { GroupWire } from './groups.mapper';
import { GroupsService } from './groups.service';

/** `/api/v2/groups`: admins with `manage_groups`. */
@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
@Authenticated({ as: 'admin', permission: AdminPermission.ManageGroups })
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOperation({ operationId: 'get_groups', summary: 'Get groups' })
  @ApiListQuery()
  @ApiOkResponse({ type: [GroupDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<GroupWire[]> {
    return this.groups.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'group', name: 'location' })
  @ApiOperation({ operationId: 'add_group', summary: 'Add group' })
  @ApiConfidentialQuery()
  @ApiCreatedResponse({ type: GroupDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: GroupDto,
    @Query('confidential_data') confidential: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GroupWire> {
    const group = await this.groups.create(principal, body, confidential);
    setLocation(reply, 'groups', group.name);
    return group;
  }

  @Get(':name')
  @ApiOperation({ operationId: 'get_group_by_name', summary: 'Find groups by name' })
  @ApiConfidentialQuery()
  @ApiOkResponse({ type: GroupDto })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query('confidential_data') confidential: unknown,
  ): Promise<GroupWire> {
    return this.groups.get(principal, name, confidential);
  }

  @Put(':name')
  @Audited({ type: 'group', name: 'param:name' })
  @ApiOperation({ operationId: 'update_group', summary: 'Update group' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() body: GroupDto,
  ): Promise<ApiResponseDto> {
    return this.groups.update(principal, name, body);
  }

  @Delete(':name')
  @Audited({ type: 'group', name: 'param:name' })
  @ApiOperation({ operationId: 'delete_group', summary: 'Delete group' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ApiResponseDto> {
    return this.groups.delete(principal, name);
  }
}

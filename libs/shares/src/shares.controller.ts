import {
  ApiListQuery,
  ApiResponseDto,
  Audited,
  Authenticated,
  CurrentPrincipal,
  type ListQuery,
  ListQueryPipe,
  type Principal,
  setLocation,
} from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ShareDto } from './dto/share.dto';
import type { ShareWire } from './share-wire';
import { SharesService } from './shares.service';

/** `/api/v2/user/shares`: a user's own shares (token or API key; refused with `shares-disabled`). */
@ApiTags('user APIs')
@ApiBearerAuth()
@Controller('user/shares')
@Authenticated({ as: 'user' })
export class SharesController {
  constructor(private readonly shares: SharesService) {}

  @Get()
  @ApiOperation({ operationId: 'get_user_shares', summary: 'List user shares' })
  @ApiListQuery()
  @ApiOkResponse({ type: [ShareDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<ShareWire[]> {
    return this.shares.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'share', name: 'header:x-object-id' })
  @ApiOperation({ operationId: 'add_share', summary: 'Add a share' })
  @ApiCreatedResponse({ type: ApiResponseDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ShareDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApiResponseDto> {
    const { id, message } = await this.shares.create(principal, body);
    setLocation(reply, 'user/shares', id);
    reply.header('X-Object-ID', id);
    return { message };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_user_share_by_id', summary: 'Get share by id' })
  @ApiOkResponse({ type: ShareDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ShareWire> {
    return this.shares.get(principal, id);
  }

  @Put(':id')
  @Audited({ type: 'share', name: 'param:id' })
  @ApiOperation({ operationId: 'update_user_share', summary: 'Update share' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: ShareDto,
  ): Promise<ApiResponseDto> {
    return this.shares.update(principal, id, body);
  }

  @Delete(':id')
  @Audited({ type: 'share', name: 'param:id' })
  @ApiOperation({ operationId: 'delete_user_share', summary: 'Delete share' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiResponseDto> {
    return this.shares.delete(principal, id);
  }
}

import {
  AdminPermission,
  ApiListQuery,
  ApiResponseDto,
  Audited,
  Authenticated,
  type ListQuery,
  ListQueryPipe,
  setLocation,
} from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyCreatedDto, ApiKeyDto } from './dto/api-key.dto';
import { ApiKeysService, type ApiKeyWire } from './apikeys.service';

/** `/api/v2/apikeys`: super admins, with a token (never with an API key, as SFTPGo). */
@ApiTags('API keys')
@ApiBearerAuth()
@Controller('apikeys')
@Authenticated({ as: 'admin', permission: AdminPermission.All, allowApiKey: false })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ operationId: 'get_api_keys', summary: 'Get API keys' })
  @ApiListQuery()
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@Query(ListQueryPipe) query: ListQuery): Promise<ApiKeyWire[]> {
    return this.keys.list(query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'api_key', name: 'header:x-object-id' })
  @ApiOperation({ operationId: 'add_api_key', summary: 'Add API key' })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  async create(
    @Body() body: ApiKeyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApiKeyCreatedDto> {
    const { id, message, key } = await this.keys.create(body);
    setLocation(reply, 'apikeys', id);
    reply.header('X-Object-ID', id);
    return { message, key };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_api_key_by_id', summary: 'Find API key by id' })
  @ApiOkResponse({ type: ApiKeyDto })
  get(@Param('id') id: string): Promise<ApiKeyWire> {
    return this.keys.get(id);
  }

  @Put(':id')
  @Audited({ type: 'api_key', name: 'param:id' })
  @ApiOperation({ operationId: 'update_api_key', summary: 'Update API key' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(@Param('id') id: string, @Body() body: ApiKeyDto): Promise<ApiResponseDto> {
    return this.keys.update(id, body);
  }

  @Delete(':id')
  @Audited({ type: 'api_key', name: 'param:id' })
  @ApiOperation({ operationId: 'delete_api_key', summary: 'Delete API key' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@Param('id') id: string): Promise<ApiResponseDto> {
    return this.keys.delete(id);
  }
}

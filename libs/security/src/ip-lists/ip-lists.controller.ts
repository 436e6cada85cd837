import { AdminPermission, ApiResponseDto, Audited, Authenticated } from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { IpListType } from '../security.types';
import { IpListEntryDto } from './dto/ip-list-entry.dto';
import type { IpListEntryWire } from './ip-lists.mapper';
import { IpListPagePipe, IpListTypePipe } from './ip-lists.pipes';
import type { IpListPage } from './ip-lists.repository';
import { IpListsService } from './ip-lists.service';

/** Go's `url.PathEscape` for a stored network (`/` escaped, `:` kept). */
function pathEscape(ipornet: string): string {
  return encodeURIComponent(ipornet).replace(/%3A/gi, ':');
}

/** `/api/v2/iplists`: allow list, defender list and rate limiter safe list (permission `*`). */
@ApiTags('IP Lists')
@ApiBearerAuth()
@Controller('iplists')
@ApiParam({ name: 'type', type: 'integer', enum: [1, 2, 3], description: 'IP list type' })
@Authenticated({ as: 'admin', permission: AdminPermission.All })
export class IpListsController {
  constructor(private readonly lists: IpListsService) {}

  @Get(':type')
  @ApiOperation({ operationId: 'get_ip_list_entries', summary: 'Get IP list entries' })
  @ApiQuery({ name: 'filter', required: false, description: 'ipornet starting with this filter' })
  @ApiQuery({ name: 'from', required: false, description: 'ipornet to start after' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: 'default 100, at most 500' })
  @ApiQuery({ name: 'order', required: false, enum: ['ASC', 'DESC'] })
  @ApiOkResponse({ type: [IpListEntryDto] })
  list(
    @Param('type', IpListTypePipe) type: IpListType,
    @Query(IpListPagePipe) page: IpListPage,
  ): Promise<IpListEntryWire[]> {
    return this.lists.list(type, page);
  }

  @Post(':type')
  @HttpCode(201)
  @Audited({ type: 'ip_list_entry', name: '{body:type}_{location}' })
  @ApiOperation({ operationId: 'add_ip_list_entry', summary: 'Add a new IP list entry' })
  @ApiCreatedResponse({ type: ApiResponseDto })
  async add(
    @Body() body: IpListEntryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApiResponseDto> {
    // As SFTPGo, the body's type is the one used; the path's is not even checked.
    const { type, ipornet } = await this.lists.add(body);
    reply.header('Location', `/api/v2/iplists/${type}/${pathEscape(ipornet)}`);
    return { message: 'Entry added' };
  }

  @Get(':type/:ipornet')
  @ApiOperation({ operationId: 'get_ip_list_by_ipornet', summary: 'Find entry by ipornet' })
  @ApiParam({ name: 'ipornet', description: 'the network as stored, URL-escaped (`192.168.0.0%2F24`)' })
  @ApiOkResponse({ type: IpListEntryDto })
  get(
    @Param('type', IpListTypePipe) type: IpListType,
    @Param('ipornet') ipornet: string,
  ): Promise<IpListEntryWire> {
    return this.lists.get(type, ipornet);
  }

  @Put(':type/:ipornet')
  @Audited({ type: 'ip_list_entry', name: '{param:type}_{param:ipornet}' })
  @ApiOperation({ operationId: 'update_ip_list_entry', summary: 'Update IP list entry' })
  @ApiParam({ name: 'ipornet', description: 'the network as stored, URL-escaped (`192.168.0.0%2F24`)' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @Param('type', IpListTypePipe) type: IpListType,
    @Param('ipornet') ipornet: string,
    @Body() body: IpListEntryDto,
  ): Promise<ApiResponseDto> {
    return this.lists.update(type, ipornet, body);
  }

  @Delete(':type/:ipornet')
  @Audited({ type: 'ip_list_entry', name: '{param:type}_{param:ipornet}' })
  @ApiOperation({ operationId: 'delete_ip_list_entry', summary: 'Delete IP list entry' })
  @ApiParam({ name: 'ipornet', description: 'the network as stored, URL-escaped (`192.168.0.0%2F24`)' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(
    @Param('type', IpListTypePipe) type: IpListType,
    @Param('ipornet') ipornet: string,
  ): Promise<ApiResponseDto> {
    return this.lists.delete(type, ipornet);
  }
}

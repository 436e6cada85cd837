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
import { BaseVirtualFolderDto } from './dto/folder.dto';
import type { FolderWire } from './folders.mapper';
import { FoldersService } from './folders.service';

/** `/api/v2/folders`: admins with `manage_folders`. */
@ApiTags('folders')
@ApiBearerAuth()
@Controller('folders')
@Authenticated({ as: 'admin', permission: AdminPermission.ManageFolders })
export class FoldersController {
  constructor(private readonly folders: FoldersService) {}

  @Get()
  @ApiOperation({ operationId: 'get_folders', summary: 'Get folders' })
  @ApiListQuery()
  @ApiOkResponse({ type: [BaseVirtualFolderDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(ListQueryPipe) query: ListQuery,
  ): Promise<FolderWire[]> {
    return this.folders.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Audited({ type: 'folder', name: 'location' })
  @ApiOperation({ operationId: 'add_folder', summary: 'Add folder' })
  @ApiConfidentialQuery()
  @ApiCreatedResponse({ type: BaseVirtualFolderDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BaseVirtualFolderDto,
    @Query('confidential_data') confidential: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FolderWire> {
    const folder = await this.folders.create(principal, body, confidential);
    setLocation(reply, 'folders', folder.name);
    return folder;
  }

  @Get(':name')
  @ApiOperation({ operationId: 'get_folder_by_name', summary: 'Find folders by name' })
  @ApiConfidentialQuery()
  @ApiOkResponse({ type: BaseVirtualFolderDto })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query('confidential_data') confidential: unknown,
  ): Promise<FolderWire> {
    return this.folders.get(principal, name, confidential);
  }

  @Put(':name')
  @Audited({ type: 'folder', name: 'param:name' })
  @ApiOperation({ operationId: 'update_folder', summary: 'Update folder' })
  @ApiOkResponse({ type: ApiResponseDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() body: BaseVirtualFolderDto,
  ): Promise<ApiResponseDto> {
    return this.folders.update(principal, name, body);
  }

  @Delete(':name')
  @Audited({ type: 'folder', name: 'param:name' })
  @ApiOperation({ operationId: 'delete_folder', summary: 'Delete folder' })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ApiResponseDto> {
    return this.folders.delete(principal, name);
  }
}

import { ApiResponseDto, Authenticated, CurrentPrincipal, type Principal, StreamBody } from '@app/common';
import { Controller, Delete, Get, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentConnection, type RequestConnection } from './connection-registry';
import { TrackConnections } from './connection.interceptor';
import { DirEntryDto } from './dto/dir-entry.dto';
import { type FileResponse, FilesService, type MessageResponse, type QueryValue } from './files.service';

/** Writes a streamed file API response. */
function send(reply: FastifyReply, response: FileResponse): FastifyReply {
  return reply.status(response.status).headers(response.headers).send(response.body);
}

const pathQuery = (description: string, required = true) =>
  ApiQuery({ name: 'path', required, type: String, description });
const targetQuery = () => ApiQuery({ name: 'target', required: true, type: String, description: 'New name' });
const mkdirParentsQuery = () =>
  ApiQuery({ name: 'mkdir_parents', required: false, type: Boolean, description: 'Create missing parents' });

/** `/api/v2/user/dirs`, `/api/v2/user/files` and `/api/v2/user/files/upload`: a user's own files. */
@ApiTags('user APIs')
@ApiBearerAuth()
@Controller('user')
@Authenticated({ as: 'user' })
@TrackConnections()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get('dirs')
  @ApiOperation({ operationId: 'get_user_dir_contents', summary: 'Read directory contents' })
  @pathQuery('Path to the folder to read; the start directory when empty', false)
  @ApiOkResponse({ type: [DirEntryDto] })
  async listDir(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return send(reply, await this.files.listDir(principal, path));
  }

  @Post('dirs')
  @HttpCode(201)
  @ApiOperation({ operationId: 'create_user_dir', summary: 'Create a directory' })
  @pathQuery('Path to the folder to create')
  @mkdirParentsQuery()
  @ApiCreatedResponse({ type: ApiResponseDto })
  createDir(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('mkdir_parents') mkdirParents: QueryValue,
  ): Promise<MessageResponse> {
    return this.files.createDir(principal, path, mkdirParents);
  }

  @Patch('dirs')
  @ApiOperation({ operationId: 'rename_user_dir', summary: 'Rename a directory', deprecated: true })
  @pathQuery('Path to the folder to rename')
  @targetQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  renameDir(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('target') target: QueryValue,
  ): Promise<MessageResponse> {
    return this.files.rename(principal, path, target);
  }

  @Delete('dirs')
  @ApiOperation({ operationId: 'delete_user_dir', summary: 'Delete a directory' })
  @pathQuery('Path to the folder to delete, with everything it contains')
  @ApiOkResponse({ type: ApiResponseDto })
  deleteDir(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
  ): Promise<MessageResponse> {
    return this.files.deleteDir(principal, path);
  }

  @Get('files')
  @ApiOperation({ operationId: 'download_user_file', summary: 'Download a single file' })
  @pathQuery('Path to the file to download')
  @ApiProduces('*/*')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async download(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentConnection() connection?: RequestConnection,
  ): Promise<FastifyReply> {
    return send(
      reply,
      await this.files.download(principal, path, request.headers, request.method, connection),
    );
  }

  @Patch('files')
  @ApiOperation({ operationId: 'rename_user_file', summary: 'Rename a file', deprecated: true })
  @pathQuery('Path to the file to rename')
  @targetQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  renameFile(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('target') target: QueryValue,
  ): Promise<MessageResponse> {
    return this.files.rename(principal, path, target);
  }

  @Delete('files')
  @ApiOperation({ operationId: 'delete_user_file', summary: 'Delete a file' })
  @pathQuery('Path to the file to delete')
  @ApiOkResponse({ type: ApiResponseDto })
  deleteFile(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
  ): Promise<MessageResponse> {
    return this.files.deleteFile(principal, path);
  }

  @Post('files/upload')
  @HttpCode(201)
  @StreamBody()
  @ApiOperation({ operationId: 'create_user_file', summary: 'Upload a single file' })
  @pathQuery('Full file path')
  @mkdirParentsQuery()
  @ApiCreatedResponse({ type: ApiResponseDto })
  upload(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('mkdir_parents') mkdirParents: QueryValue,
    @Req() request: FastifyRequest,
    @CurrentConnection() connection?: RequestConnection,
  ): Promise<MessageResponse> {
    return this.files.upload(principal, path, mkdirParents, request.raw, connection);
  }
}

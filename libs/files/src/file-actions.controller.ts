import { ApiResponseDto, Authenticated, CurrentPrincipal, type Principal, StreamBody } from '@app/common';
import { Body, Controller, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
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
import { FileActionsService } from './file-actions.service';
import type { MessageResponse, QueryValue } from './files.service';

const pathQuery = (description: string, required = true) =>
  ApiQuery({ name: 'path', required, type: String, description });
const targetQuery = () => ApiQuery({ name: 'target', required: true, type: String, description: 'New name' });

/**
 * `POST /api/v2/user/files` (multipart), `PATCH /user/files/metadata`, `POST /user/file-actions/copy`
 * and `/move`, `POST /user/streamzip`.
 */
@ApiTags('user APIs')
@ApiBearerAuth()
@Controller('user')
@Authenticated({ as: 'user' })
@TrackConnections()
export class FileActionsController {
  constructor(private readonly actions: FileActionsService) {}

  @Post('files')
  @HttpCode(201)
  @StreamBody()
  @ApiOperation({ operationId: 'create_user_files', summary: 'Upload files' })
  @pathQuery('Parent directory for the uploaded files; the start directory when empty', false)
  @ApiQuery({ name: 'mkdir_parents', required: false, type: Boolean, description: 'Create missing parents' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { filenames: { type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1 } },
    },
  })
  @ApiCreatedResponse({ type: ApiResponseDto })
  uploadFiles(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('mkdir_parents') mkdirParents: QueryValue,
    @Req() request: FastifyRequest,
    @CurrentConnection() connection?: RequestConnection,
  ): Promise<MessageResponse> {
    return this.actions.uploadFiles(principal, path, mkdirParents, request.raw, connection);
  }

  @Patch('files/metadata')
  @ApiOperation({ operationId: 'setprops_user_file', summary: 'Set metadata for a file/directory' })
  @pathQuery('Full file/directory path')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        modification_time: { type: 'integer', description: 'unix timestamp in milliseconds' },
      },
    },
  })
  @ApiOkResponse({ type: ApiResponseDto })
  setMetadata(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Body() body: unknown,
  ): Promise<MessageResponse> {
    return this.actions.setMetadata(principal, path, body);
  }

  @Post('file-actions/copy')
  @HttpCode(200)
  @ApiOperation({ operationId: 'copy_user_fs_entry', summary: 'Copy a file or a directory' })
  @pathQuery('Path to the file/folder to copy')
  @targetQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  copy(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('target') target: QueryValue,
  ): Promise<MessageResponse> {
    return this.actions.copy(principal, path, target);
  }

  @Post('file-actions/move')
  @HttpCode(200)
  @ApiOperation({ operationId: 'move_user_fs_entry', summary: 'Move (rename) a file or a directory' })
  @pathQuery('Path to the file/folder to rename')
  @targetQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  move(
    @CurrentPrincipal() principal: Principal,
    @Query('path') path: QueryValue,
    @Query('target') target: QueryValue,
  ): Promise<MessageResponse> {
    return this.actions.move(principal, path, target);
  }

  @Post('streamzip')
  @ApiOperation({
    operationId: 'streamzip',
    summary: 'Download multiple files and folders as a single zip file',
  })
  @ApiBody({
    schema: { type: 'array', items: { type: 'string', description: 'Absolute file or folder path' } },
  })
  @ApiProduces('application/zip')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async streamZip(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
    @CurrentConnection() connection?: RequestConnection,
  ): Promise<FastifyReply> {
    const response = await this.actions.streamZip(principal, body, connection);
    return reply.status(response.status).headers(response.headers).send(response.body);
  }
}

import { ApiResponseDto, clientIp, Public, StreamBody } from '@app/common';
import {
  connectionOf,
  DirEntryDto,
  type FileResponse,
  type MessageResponse,
  TrackConnections,
} from '@app/files';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicSharesService, type PublicShareRequest } from './public-shares.service';

type QueryValue = string | string[] | undefined;

/** Go's `url.Query().Get`: the first value. */
const first = (value: QueryValue): string | undefined => (Array.isArray(value) ? value[0] : value);

const shareRequest = (request: FastifyRequest): PublicShareRequest => ({
  ip: clientIp(request),
  headers: request.headers,
  connection: connectionOf(request),
});

function send(reply: FastifyReply, response: FileResponse): FastifyReply {
  return reply.status(response.status).headers(response.headers).send(response.body);
}

/** `/api/v2/shares/{id}...`: public (no token), gated by the share itself. */
@ApiTags('public shares')
@Controller('shares')
@Public()
@TrackConnections()
export class PublicSharesController {
  constructor(private readonly shares: PublicSharesService) {}

  @Get(':id')
  @ApiOperation({ operationId: 'get_share', summary: 'Download shared files and folders' })
  @ApiQuery({ name: 'compress', required: false, type: Boolean, description: 'false: a single file as is' })
  @ApiProduces('*/*')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async download(
    @Param('id') id: string,
    @Query('compress') compress: QueryValue,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return send(
      reply,
      await this.shares.download(id, first(compress), shareRequest(request), request.method),
    );
  }

  @Get(':id/dirs')
  @ApiOperation({ operationId: 'get_share_dir_contents', summary: 'Read directory contents' })
  @ApiQuery({ name: 'path', required: false, type: String, description: 'Path relative to the share' })
  @ApiOkResponse({ type: [DirEntryDto] })
  async listDir(
    @Param('id') id: string,
    @Query('path') path: QueryValue,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return send(reply, await this.shares.listDir(id, first(path), shareRequest(request)));
  }

  @Get(':id/files')
  @ApiOperation({ operationId: 'download_share_file', summary: 'Download a single file' })
  @ApiQuery({ name: 'path', required: true, type: String, description: 'Path relative to the share' })
  @ApiProduces('*/*')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async downloadFile(
    @Param('id') id: string,
    @Query('path') path: QueryValue,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return send(
      reply,
      await this.shares.downloadFile(id, first(path), shareRequest(request), request.method),
    );
  }

  @Post(':id')
  @HttpCode(201)
  @StreamBody()
  @ApiOperation({ operationId: 'upload_to_share', summary: 'Upload one or more files to the shared path' })
  @ApiConsumes('multipart/form-data')
  @ApiCreatedResponse({ type: ApiResponseDto })
  uploadFiles(@Param('id') id: string, @Req() request: FastifyRequest): Promise<MessageResponse> {
    return this.shares.uploadFiles(id, shareRequest(request), request.raw);
  }

  @Post(':id/:fileName')
  @HttpCode(201)
  @StreamBody()
  @ApiOperation({ operationId: 'upload_single_to_share', summary: 'Upload a single file to the shared path' })
  @ApiQuery({ name: 'mkdir_parents', required: false, type: Boolean, description: 'Create missing parents' })
  @ApiCreatedResponse({ type: ApiResponseDto })
  uploadFile(
    @Param('id') id: string,
    @Param('fileName') fileName: string,
    @Query('mkdir_parents') mkdirParents: QueryValue,
    @Req() request: FastifyRequest,
  ): Promise<MessageResponse> {
    return this.shares.uploadFile(id, fileName, first(mkdirParents), shareRequest(request), request.raw);
  }
}

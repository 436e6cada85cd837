import {
  AdminPermission,
  ApiResponseDto,
  Authenticated,
  ClientIp,
  CurrentPrincipal,
  type Principal,
  StreamBody,
} from '@app/common';
import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BackupRestoreService } from './backup-restore.service';

const scanQuotaQuery = ApiQuery({
  name: 'scan-quota',
  required: false,
  type: Number,
  description: '0 no scan (default), 1 scan every restored user and folder, 2 users with quota limits',
});
const modeQuery = ApiQuery({
  name: 'mode',
  required: false,
  type: Number,
  description: '0 add new and update existing (default), 1 add new only, 2 as 0 and disconnect updated users',
});

/** `/api/v2/loaddata`: restore a backup (all or nothing), super admins only. */
@ApiTags('maintenance')
@ApiBearerAuth()
@Controller('loaddata')
@Authenticated({ as: 'admin', permission: AdminPermission.All })
export class LoaddataController {
  constructor(private readonly restore: BackupRestoreService) {}

  @Get()
  @ApiOperation({
    operationId: 'loaddata_from_file',
    summary: 'Restore a backup file from the backups directory',
  })
  @ApiQuery({
    name: 'input-file',
    required: true,
    type: String,
    description: 'Backup file inside `data_provider.backups_path` (relative to it, or absolute inside it)',
  })
  @scanQuotaQuery
  @modeQuery
  @ApiOkResponse({ type: ApiResponseDto })
  fromFile(
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
    @Query('input-file') inputFile: unknown,
    @Query('scan-quota') scanQuota: unknown,
    @Query('mode') mode: unknown,
  ): Promise<{ message: string }> {
    return this.restore.loadFile(principal, ip, inputFile, scanQuota, mode);
  }

  @Post()
  @HttpCode(200)
  @StreamBody()
  @ApiOperation({
    operationId: 'loaddata_from_request_body',
    summary: 'Restore a backup from the request body',
  })
  @scanQuotaQuery
  @modeQuery
  @ApiBody({
    description: 'SFTPGo `BackupData` (as `GET /dumpdata?output-data=1` returns it), at most 20 MiB',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({ type: ApiResponseDto })
  fromBody(
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
    @Query('scan-quota') scanQuota: unknown,
    @Query('mode') mode: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ message: string }> {
    return this.restore.loadBody(principal, ip, request.raw, scanQuota, mode);
  }
}

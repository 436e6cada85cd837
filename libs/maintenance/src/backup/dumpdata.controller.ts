import {
  AdminPermission,
  ApiResponseDto,
  Authenticated,
  CurrentPrincipal,
  type Principal,
} from '@app/common';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BackupDumpService, type DumpQuery } from './backup-dump.service';
import { DUMP_SCOPES } from './backup.types';

/** `GET /api/v2/dumpdata` (`*`): the backup to a file under `backups_path` or as the response body. */
@ApiTags('maintenance')
@ApiBearerAuth()
@Controller()
export class DumpdataController {
  constructor(private readonly dumps: BackupDumpService) {}

  @Get('dumpdata')
  @Authenticated({ as: 'admin', permission: AdminPermission.All })
  @ApiOperation({ operationId: 'dumpdata', summary: 'Dump data' })
  @ApiQuery({ name: 'output-file', required: false, type: String, description: 'Relative to backups_path' })
  @ApiQuery({ name: 'output-data', required: false, enum: [0, 1] })
  @ApiQuery({ name: 'indent', required: false, enum: [0, 1] })
  @ApiQuery({
    name: 'scopes',
    required: false,
    type: String,
    description: `Comma separated: ${DUMP_SCOPES.join(', ')}`,
  })
  @ApiOkResponse({
    type: ApiResponseDto,
    description: 'Data saved, or the BackupData JSON with output-data=1',
  })
  async dump(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DumpQuery,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.dumps.dump(principal, query);
    return reply.status(200).headers(result.headers).send(result.body);
  }
}

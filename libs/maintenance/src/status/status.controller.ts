import { AdminPermission, Authenticated } from '@app/common';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServicesStatusDto } from './status.dto';
import { StatusService } from './status.service';

/** `GET /api/v2/status`: admins with `view_status`. */
@ApiTags('maintenance')
@ApiBearerAuth()
@Controller('status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewStatus })
  @ApiOperation({
    operationId: 'get_status',
    summary: 'Get status',
    description: 'Retrieves the status of the active services',
  })
  @ApiOkResponse({ type: ServicesStatusDto })
  get(): Promise<ServicesStatusDto> {
    return this.status.status();
  }
}

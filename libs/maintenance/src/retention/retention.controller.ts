import { AdminPermission, Authenticated, CurrentPrincipal, type Principal } from '@app/common';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RetentionCheckDto } from './dto/retention-check.dto';
import { RetentionService } from './retention.service';

/** `GET /api/v2/retention/users/checks`: super admins only (SFTPGo's `PermAdminAny`). */
@ApiTags('data retention')
@ApiBearerAuth()
@Controller('retention/users/checks')
@Authenticated({ as: 'admin', permission: AdminPermission.All })
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @ApiOperation({
    operationId: 'get_users_retention_checks',
    summary: 'Get retention checks',
    description: 'Returns the active retention checks',
  })
  @ApiOkResponse({ type: [RetentionCheckDto] })
  list(@CurrentPrincipal() principal: Principal): RetentionCheckDto[] {
    return this.retention.list(principal);
  }
}

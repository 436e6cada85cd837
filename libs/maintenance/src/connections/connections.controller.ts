import {
  AdminPermission,
  ApiResponseDto,
  Authenticated,
  CurrentPrincipal,
  type Principal,
} from '@app/common';
import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ConnectionsService } from './connections.service';
import { ConnectionStatusDto } from './dto/connection-status.dto';

/** `/api/v2/connections`: the REST connections in progress, and closing one. */
@ApiTags('connections')
@ApiBearerAuth()
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewConns })
  @ApiOperation({ operationId: 'get_connections', summary: 'Get connections details' })
  @ApiOkResponse({ type: [ConnectionStatusDto] })
  list(@CurrentPrincipal() principal: Principal): ConnectionStatusDto[] {
    return this.connections.list(principal);
  }

  @Delete(':connectionID')
  @Authenticated({ as: 'admin', permission: AdminPermission.CloseConns })
  @ApiOperation({ operationId: 'close_connection', summary: 'Close connection' })
  // Single node: the node is not looked at.
  @ApiQuery({ name: 'node', required: false, type: String, description: 'Node identifier' })
  @ApiOkResponse({ type: ApiResponseDto })
  close(@CurrentPrincipal() principal: Principal, @Param('connectionID') id: string): { message: string } {
    return this.connections.close(principal, id);
  }
}

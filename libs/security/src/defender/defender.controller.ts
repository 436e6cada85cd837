import { AdminPermission, ApiResponseDto, Audited, Authenticated } from '@app/common';
import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DefenderEntryDto } from './dto/defender-entry.dto';
import {
  type DefenderEntryWire,
  type DefenderHostWire,
  toDefenderEntry,
  toDefenderHost,
} from './defender.mapper';
import { DefenderService } from './defender.service';

/** `/api/v2/defender/hosts`: the defender's banned and scored hosts; unban. */
@ApiTags('defender')
@ApiBearerAuth()
@Controller('defender/hosts')
export class DefenderController {
  constructor(private readonly defender: DefenderService) {}

  @Get()
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewDefender })
  @ApiOperation({ operationId: 'get_defender_hosts', summary: 'Get hosts' })
  @ApiOkResponse({ type: [DefenderEntryDto] })
  async list(): Promise<DefenderEntryWire[]> {
    return (await this.defender.hosts()).map(toDefenderEntry);
  }

  @Get(':id')
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewDefender })
  @ApiOperation({ operationId: 'get_defender_host_by_id', summary: 'Get host by id' })
  @ApiOkResponse({ type: DefenderEntryDto })
  async get(@Param('id') id: string): Promise<DefenderHostWire> {
    return toDefenderHost(await this.defender.host(id));
  }

  @Delete(':id')
  @Authenticated({ as: 'admin', permission: AdminPermission.ManageDefender })
  @Audited({ type: 'defender_host', name: 'param:id' })
  @ApiOperation({
    operationId: 'delete_defender_host_by_id',
    summary: 'Removes a host from the defender lists',
  })
  @ApiOkResponse({ type: ApiResponseDto })
  delete(@Param('id') id: string): Promise<ApiResponseDto> {
    return this.defender.deleteHost(id);
  }
}

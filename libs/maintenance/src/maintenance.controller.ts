import { Authenticated, Public } from '@app/common';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { API_VERSION, FEATURES } from './version';

/** SFTPGo's `VersionInfo` schema. */
export class VersionInfoDto {
  @ApiProperty()
  version: string;

  @ApiProperty()
  build_date: string;

  @ApiProperty()
  commit_hash: string;

  @ApiProperty({ type: [String] })
  features: string[];
}

/** `GET /healthz` (outside `/api/v2`, no auth). */
@ApiTags('healthcheck')
@Controller()
export class HealthController {
  @Get('healthz')
  @Public()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'healthz', summary: 'health check' })
  health(): string {
    return 'ok';
  }
}

/** `GET /api/v2/version`: any authenticated admin. */
@ApiTags('maintenance')
@Controller()
export class VersionController {
  @Get('version')
  @Authenticated({ as: 'admin' })
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'get_version', summary: 'Get version details' })
  @ApiOkResponse({ type: VersionInfoDto })
  version(): VersionInfoDto {
    return { version: API_VERSION, build_date: '', commit_hash: '', features: FEATURES };
  }
}

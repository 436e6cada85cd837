import { AdminPermission, type AnyRequest, Authenticated, requestBinding } from '@app/common';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service';

/** True when the request came in on a binding with `public_metrics`. */
export function onPublicMetricsBinding(request: AnyRequest): boolean {
  return requestBinding(request)?.publicMetrics === true;
}

/**
 * `GET /metrics` (outside `/api/v2`, as SFTPGo's telemetry endpoint): open on `public_metrics` bindings,
 * elsewhere admins with `view_status` (token or API key).
 */
@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Authenticated({ as: 'admin', permission: AdminPermission.ViewStatus, publicWhen: onPublicMetricsBinding })
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'get_metrics',
    summary: 'Prometheus metrics',
    description:
      'Metrics in the Prometheus text format. No credentials needed on bindings with `public_metrics`; elsewhere an admin with the `view_status` permission.',
  })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}

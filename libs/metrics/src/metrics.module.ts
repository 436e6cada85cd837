import { Global, Module } from '@nestjs/common';

/** PLACEHOLDER: Prometheus metrics (prom-client), filled by the metrics work. */
@Global()
@Module({})
export class MetricsModule {}

/** `MetricsModule`: Prometheus metrics and `GET /metrics`. */
export * from './metrics.module';

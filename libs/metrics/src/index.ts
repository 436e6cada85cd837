/** `MetricsModule`: Prometheus metrics and `GET /metrics`. */
export * from './metrics.module';
/** `MetricsService`: this application's registry and the request recorders. */
export * from './metrics.service';
/** The HTTP request counter and duration histogram, counted off prom-client's hot path. */
export * from './http-request-metrics';
/** `registerMetricsHooks(app)`: the Fastify hooks that record each request (bootstrap). */
export * from './metrics.hooks';
/** `MetricsController` and the `public_metrics` binding check. */
export * from './metrics.controller';

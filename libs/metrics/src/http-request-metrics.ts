import type { Counter, MetricValueWithName, Registry } from 'prom-client';

/** The `route` label of requests no route matched (404s, bad URLs): one series, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Request duration buckets, seconds: prom-client's defaults (5 ms to 10 s) plus long ones, as uploads
 * and downloads of large files are requests too.
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** Records the finished requests of one method on one route. */
export interface RequestRecorder {
  record(status: number, elapsedMs: number): void;
}

/** The counts of one (method, route): per status, and the duration histogram (per bucket, not cumulative). */
class RouteStats implements RequestRecorder {
  readonly byStatus = new Map<number, number>();
  readonly buckets = new Float64Array(DURATION_BUCKETS.length);
  sum = 0;
  count = 0;

  constructor(
    readonly method: string,
    readonly route: string,
  ) {}

  record(status: number, elapsedMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    const seconds = elapsedMs / 1000;
    this.sum += seconds;
    this.count += 1;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]) bucket += 1;
    if (bucket < DURATION_BUCKETS.length) this.buckets[bucket] += 1;
  }
}

/** What a prom-client registry reads from a metric: its name, type and, at scrape time, its values. */
interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  collect(): void;
  get(): Promise<Omit<CollectedMetric, 'get'> & { values: MetricValueWithName<string>[] }>;
}

const REQUESTS = 'sftpgo_http_req_total';
const DURATIONS = 'sftpgo_http_req_duration_seconds';

/**
 * The HTTP request counter (`sftpgo_http_req_total{method,route,status}`) and duration histogram
 * (`sftpgo_http_req_duration_seconds{method,route}`), counted in plain numbers and turned into
 * Prometheus samples only when scraped. prom-client's own `inc()`/`observe()` hash the label values
 * and allocate on every call (about 2 µs per request, measured); a request here costs a map lookup
 * and a few additions (about 50 ns).
 *
 * The counter keeps SFTPGo's name; its labels add what SFTPGo splits into `sftpgo_http_req_ok_total`,
 * `_client_errors_total` and `_server_errors_total` (sum by status). The histogram has no status
 * label: each label value multiplies its bucket series, and the counter already splits by status.
 */
export class HttpRequestMetrics {
  /** route -> method -> stats. */
  private readonly stats = new Map<string, Map<string, RouteStats>>();

  /** Registers both metrics in `registry`. */
  constructor(registry: Registry) {
    const counter: CollectedMetric = {
      name: REQUESTS,
      help: 'The total number of HTTP requests served, by method, route pattern and status code',
      type: 'counter',
      aggregator: 'sum',
      collect: () => undefined,
      get: () => Promise.resolve({ ...counter, values: this.counterValues() }),
    };
    const histogram: CollectedMetric = {
      name: DURATIONS,
      help: 'HTTP request duration in seconds, from the request received to the response sent, by method and route pattern',
      type: 'histogram',
      aggregator: 'sum',
      collect: () => undefined,
      get: () => Promise.resolve({ ...histogram, values: this.histogramValues() }),
    };
    // The registry only reads name, type and get() (duck typing): prom-client's classes cannot take
    // counts kept elsewhere.
    registry.registerMetric(counter as unknown as Counter);
    registry.registerMetric(histogram as unknown as Counter);
  }

  /** The recorder of `method` on `route` (a route pattern, or {@link UNMATCHED_ROUTE}); made once. */
  recorder(route: string, method: string): RequestRecorder {
    let byMethod = this.stats.get(route);
    if (!byMethod) this.stats.set(route, (byMethod = new Map()));
    let stats = byMethod.get(method);
    if (!stats) byMethod.set(method, (stats = new RouteStats(method, route)));
    return stats;
  }

  private *allStats(): Iterable<RouteStats> {
    for (const byMethod of this.stats.values()) yield* byMethod.values();
  }

  private counterValues(): MetricValueWithName<string>[] {
    const values: MetricValueWithName<string>[] = [];
    for (const { method, route, byStatus } of this.allStats()) {
      for (const [status, value] of byStatus) {
        values.push({ labels: { method, route, status: String(status) }, value });
      }
    }
    return values;
  }

  private histogramValues(): MetricValueWithName<string>[] {
    const values: MetricValueWithName<string>[] = [];
    for (const { method, route, buckets, sum, count } of this.allStats()) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, index) => {
        cumulative += buckets[index];
        values.push({
          metricName: `${DURATIONS}_bucket`,
          labels: { le: bound, method, route },
          value: cumulative,
        });
      });
      values.push({ metricName: `${DURATIONS}_bucket`, labels: { le: '+Inf', method, route }, value: count });
      values.push({ metricName: `${DURATIONS}_sum`, labels: { method, route }, value: sum });
      values.push({ metricName: `${DURATIONS}_count`, labels: { method, route }, value: count });
    }
    return values;
  }
}

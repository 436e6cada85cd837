import { AuthFailures } from '@app/common';
import { TransferRegistry } from '@app/files';
import { DefenderService } from '@app/security';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { HttpRequestMetrics, type RequestRecorder } from './http-request-metrics';

/**
 * The Prometheus metrics (SFTPGo's names where SFTPGo has the metric, `sftpgo_` prefix everywhere), in
 * a registry of this application's own: several applications run in one Jest process, and the global
 * default registry would mix or reject their metrics.
 *
 * Hot path: a request costs one increment and one observation in plain numbers
 * ({@link HttpRequestMetrics}); everything else is counted when it happens (transfers, failed logins,
 * bans) or read at scrape time (active transfers, banned hosts).
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  /** This application's registry (what `GET /metrics` serves). */
  readonly registry = new Registry();
  private readonly requests: HttpRequestMetrics;
  private readonly uploadBytes: Counter;
  private readonly downloadBytes: Counter;
  private readonly transfers: Counter<'direction'>;
  private readonly loginFailures: Counter<'credential'>;
  private readonly bans: Counter;

  constructor(
    private readonly transferRegistry: TransferRegistry,
    private readonly authFailures: AuthFailures,
    private readonly defender: DefenderService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new HttpRequestMetrics(this.registry);
    this.uploadBytes = new Counter({
      name: 'sftpgo_upload_size',
      help: 'The total upload size as bytes, partial uploads are included',
      registers,
    });
    this.downloadBytes = new Counter({
      name: 'sftpgo_download_size',
      help: 'The total download size as bytes, partial downloads are included',
      registers,
    });
    this.transfers = new Counter({
      name: 'sftpgo_transfers_total',
      help: 'The total number of ended transfers (successful or not), by direction',
      labelNames: ['direction'] as const,
      registers,
    });
    const registry = this.transferRegistry;
    new Gauge({
      name: 'sftpgo_active_transfers',
      help: 'The number of transfers in progress, by direction',
      labelNames: ['direction'] as const,
      registers,
      collect() {
        const active = registry.list();
        const uploads = active.filter((transfer) => transfer.direction === 'upload').length;
        this.set({ direction: 'upload' }, uploads);
        this.set({ direction: 'download' }, active.length - uploads);
      },
    });
    this.loginFailures = new Counter({
      name: 'sftpgo_login_ko_total',
      help: 'The total number of failed logins (token endpoints, API keys, share passwords), by credential',
      labelNames: ['credential'] as const,
      registers,
    });
    this.bans = new Counter({
      name: 'sftpgo_defender_bans_total',
      help: 'The total number of hosts banned by the defender',
      registers,
    });
    const defenderService = this.defender;
    new Gauge({
      name: 'sftpgo_defender_banned_hosts',
      help: 'The number of hosts banned by the defender now',
      registers,
      async collect() {
        try {
          const hosts = await defenderService.hosts();
          this.set(hosts.filter((host) => host.banUntil > 0).length);
        } catch {
          // The provider driver reads the database: when it fails, the last value stays and the
          // scrape still answers (the other metrics matter most then).
        }
      },
    });
  }

  onModuleInit(): void {
    // Both directions and credentials exist from the start: a rate() needs the zero before the first event.
    this.transfers.labels('upload').inc(0);
    this.transfers.labels('download').inc(0);
    this.loginFailures.labels('basic').inc(0);
    this.loginFailures.labels('api_key').inc(0);
    this.transferRegistry.observe((ended) => {
      (ended.direction === 'upload' ? this.uploadBytes : this.downloadBytes).inc(ended.bytes);
      this.transfers.labels(ended.direction).inc();
    });
    this.authFailures.observe((failure) => this.loginFailures.labels(failure.credential).inc());
    this.defender.onBan(() => this.bans.inc());
  }

  /** The recorder of `method` on `route` (a route pattern, or `UNMATCHED_ROUTE`). */
  recorder(route: string, method: string): RequestRecorder {
    return this.requests.recorder(route, method);
  }

  /** The metrics in Prometheus' text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

import { AuthFailures } from '@app/common';
import { TransferRegistry } from '@app/files';
import type { DefenderService } from '@app/security';
import { UNMATCHED_ROUTE } from './http-request-metrics';
import { MetricsService } from './metrics.service';

/** A MetricsService on real registries, with a defender that has `banned` hosts. */
function makeService(banned = 0) {
  const transfers = new TransferRegistry();
  const failures = new AuthFailures();
  const banObservers: ((ip: string) => void)[] = [];
  const defender = {
    hosts: () =>
      Promise.resolve(
        Array.from({ length: banned }, (_v, i) => ({ ip: `10.0.0.${i}`, score: 0, banUntil: 1 })),
      ),
    onBan: (observer: (ip: string) => void) => banObservers.push(observer),
  } as unknown as DefenderService;
  const service = new MetricsService(transfers, failures, defender);
  service.onModuleInit();
  return { service, transfers, failures, ban: (ip: string) => banObservers.forEach((o) => o(ip)) };
}

/** The line of `name{labels}` in the scrape, or undefined. */
async function line(service: MetricsService, prefix: string): Promise<string | undefined> {
  return (await service.scrape()).split('\n').find((l) => l.startsWith(prefix));
}

describe('MetricsService', () => {
  it('keeps one registry per instance (several applications in one process)', async () => {
    const a = makeService();
    const b = makeService();
    a.service.recorder('/api/v2/users', 'GET').record(200, 3);
    expect(await line(a.service, 'sftpgo_http_req_total{')).toBe(
      'sftpgo_http_req_total{method="GET",route="/api/v2/users",status="200"} 1',
    );
    expect(await line(b.service, 'sftpgo_http_req_total{')).toBeUndefined();
  });

  it('reuses one recorder per route and method', async () => {
    const { service } = makeService();
    const recorder = service.recorder('/api/v2/users/:username', 'GET');
    expect(service.recorder('/api/v2/users/:username', 'GET')).toBe(recorder);
    expect(service.recorder('/api/v2/users/:username', 'PUT')).not.toBe(recorder);
    recorder.record(404, 1500);
    recorder.record(404, 2);
    service.recorder(UNMATCHED_ROUTE, 'GET').record(404, 1);
    const text = await service.scrape();
    expect(text).toContain(
      'sftpgo_http_req_total{method="GET",route="/api/v2/users/:username",status="404"} 2',
    );
    expect(text).toContain('sftpgo_http_req_total{method="GET",route="unmatched",status="404"} 1');
    // 1.5 s and 2 ms, in seconds.
    expect(text).toContain(
      'sftpgo_http_req_duration_seconds_sum{method="GET",route="/api/v2/users/:username"} 1.502',
    );
    expect(text).toContain(
      'sftpgo_http_req_duration_seconds_bucket{le="2.5",method="GET",route="/api/v2/users/:username"} 2',
    );
  });

  it('counts ended transfers and their bytes, and active ones at scrape time', async () => {
    const { service, transfers } = makeService();
    const upload = transfers.register({ username: 'u', virtualPath: '/a', direction: 'upload' });
    const download = transfers.register({ username: 'u', virtualPath: '/b', direction: 'download' });
    upload.add(100);
    download.add(40);
    expect(await line(service, 'sftpgo_active_transfers{direction="upload"}')).toMatch(/ 1$/);
    upload.close();
    upload.close();
    download.close();
    const text = await service.scrape();
    expect(text).toContain('sftpgo_upload_size 100');
    expect(text).toContain('sftpgo_download_size 40');
    expect(text).toContain('sftpgo_transfers_total{direction="upload"} 1');
    expect(text).toContain('sftpgo_transfers_total{direction="download"} 1');
    expect(text).toContain('sftpgo_active_transfers{direction="upload"} 0');
  });

  it('counts failed logins by credential, bans, and banned hosts at scrape time', async () => {
    const { service, failures, ban } = makeService(2);
    await failures.report({ ip: '10.0.0.1', credential: 'basic', reason: 'x' });
    ban('10.0.0.1');
    const text = await service.scrape();
    expect(text).toContain('sftpgo_login_ko_total{credential="basic"} 1');
    expect(text).toContain('sftpgo_login_ko_total{credential="api_key"} 0');
    expect(text).toContain('sftpgo_defender_bans_total 1');
    expect(text).toContain('sftpgo_defender_banned_hosts 2');
  });
});

import { InjectConfig, type SftpgoConfig } from '@app/config';
import { DefenderService, RateLimiterService } from '@app/security';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DataProviderStatusDto, ServicesStatusDto } from './status.dto';

/** How long the data provider ping may take before the provider is reported unavailable. */
export const PING_TIMEOUT_MS = 5000;

/** Rejects after `ms` (timer cleared as soon as `work` settles). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /api/v2/status`: SFTPGo's `ServicesStatus`. SSH, FTP, WebDAV and MFA do not exist here, so they
 * are inactive with SFTPGo's zero values (nil slices are `null`: its structs have no `omitempty`); the
 * data provider is pinged for real on each call; defender, allow list and rate limiters follow the
 * running configuration.
 */
@Injectable()
export class StatusService {
  constructor(
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly dataSource: DataSource,
    private readonly defender: DefenderService,
    private readonly rateLimiters: RateLimiterService,
  ) {}

  async status(): Promise<ServicesStatusDto> {
    const limiters = this.rateLimiters.status();
    return {
      ssh: {
        is_active: false,
        bindings: null,
        ssh_commands: null,
        host_keys: null,
        authentications: null,
        macs: null,
        kex_algorithms: null,
        ciphers: null,
        public_key_algorithms: null,
      },
      ftp: { is_active: false, bindings: null, passive_port_range: { start: 0, end: 0 } },
      webdav: { is_active: false, bindings: null },
      data_provider: await this.dataProvider(),
      defender: { is_active: this.defender.isActive },
      mfa: { is_active: false, totp_configs: null },
      allow_list: { is_active: this.config.common.allowlist_status === 1 },
      // SFTPGo collects the protocols into a nil slice: `null` when no limiter is active.
      rate_limiters: {
        is_active: limiters.is_active,
        protocols: limiters.protocols.length > 0 ? limiters.protocols : null,
      },
    };
  }

  /** The configured driver (SFTPGo's spelling) and a `SELECT 1` round trip. */
  async dataProvider(): Promise<DataProviderStatusDto> {
    const driver = this.config.data_provider.driver;
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
      return { driver, is_active: true, error: '' };
    } catch (err) {
      return { driver, is_active: false, error: (err as Error).message || String(err) };
    }
  }
}

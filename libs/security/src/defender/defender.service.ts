import {
  ApiError,
  type AuthFailure,
  type AuthFailureListener,
  AuthFailures,
  BadRequestError,
} from '@app/common';
import { type DefenderConfig, InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { Defender, type DefenderEventKind, IpListMatcher, IpListMode, IpListType } from '../security.types';
import { MemoryDefenderDriver } from './defender-memory.driver';
import { ProviderDefenderDriver } from './defender-provider.driver';
import {
  DefenderClock,
  type DefenderDriver,
  type DefenderHost,
  scoreOf,
  validateDefenderConfig,
} from './defender.types';

/**
 * The defender (`common.defender`, SFTPGo's semantics): failed logins add their score, a host over the
 * threshold is banned for `ban_time` (each request while banned extends it), the defender IP list
 * (type 2) marks hosts never banned (mode 1) or always banned (mode 2). Hears about logins through
 * {@link AuthFailures} and applies `login_delay`. Disabled: nothing is banned, events are ignored.
 */
@Injectable()
export class DefenderService extends Defender implements AuthFailureListener, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Defender');
  private readonly config: DefenderConfig;
  private driver?: DefenderDriver;
  private readonly banObservers: ((ip: string) => void)[] = [];

  constructor(
    @InjectConfig() config: SftpgoConfig,
    private readonly lists: IpListMatcher,
    private readonly failures: AuthFailures,
    private readonly dataSource: DataSource,
    private readonly clock: DefenderClock,
  ) {
    super();
    this.config = config.common.defender;
  }

  async onModuleInit(): Promise<void> {
    validateDefenderConfig(this.config);
    this.failures.listen(this);
    if (!this.config.enabled) return;
    this.driver =
      this.config.driver === 'provider'
        ? new ProviderDefenderDriver(this.config, this.dataSource, () => this.clock.now(), this.logger)
        : new MemoryDefenderDriver(this.config);
    await this.driver.start?.();
  }

  async onModuleDestroy(): Promise<void> {
    await this.driver?.stop?.();
  }

  /** Adds an observer told of each host the defender bans (metrics). Synchronous; must not throw. */
  onBan(observer: (ip: string) => void): void {
    this.banObservers.push(observer);
  }

  /** True when the defender is enabled (`/status`). */
  get isActive(): boolean {
    return this.driver !== undefined;
  }

  isBanned(ip: string): boolean {
    if (!this.driver) return false;
    if (this.lists.modeFor(IpListType.Defender, ip) === IpListMode.Deny) return true;
    return this.driver.isBanned(ip, this.clock.now());
  }

  async addEvent(ip: string, kind: DefenderEventKind): Promise<void> {
    if (!this.driver) return;
    if (this.lists.modeFor(IpListType.Defender, ip) === IpListMode.Allow) return;
    const score = scoreOf(this.config, kind);
    if (score === 0) return;
    if (await this.driver.addEvent(ip, score, this.clock.now())) {
      for (const observer of this.banObservers) observer(ip);
    }
  }

  /** Scores a failed login, then waits `login_delay.password_failed` before the refusal is sent. */
  async failed(failure: AuthFailure): Promise<void> {
    if (!this.driver || !failure.kind) return;
    try {
      await this.addEvent(failure.ip, failure.kind);
    } catch (err) {
      // The client still gets its 401: a defender that cannot write must not turn it into a 500.
      this.logger.error(`cannot record a ${failure.kind} event for ${failure.ip}: ${(err as Error).message}`);
    }
    if (this.config.login_delay.password_failed > 0) await sleep(this.config.login_delay.password_failed);
  }

  /** Waits `login_delay.success` before a successful login is answered. */
  async succeeded(): Promise<void> {
    if (this.driver && this.config.login_delay.success > 0) await sleep(this.config.login_delay.success);
  }

  /** `GET /defender/hosts`: banned hosts and hosts with a score; `[]` when disabled. */
  async hosts(): Promise<DefenderHost[]> {
    return this.driver ? this.driver.hosts(this.clock.now()) : [];
  }

  /** `GET /defender/hosts/{id}`: 400 bad id, 500 disabled (SFTPGo), 404 unknown. */
  async host(id: string): Promise<DefenderHost> {
    const ip = ipFromHostId(id);
    if (!this.driver) throw new ApiError(500, 'defender is disabled', '');
    const host = await this.driver.host(ip, this.clock.now());
    if (!host) throw new ApiError(404, 'Not Found', '');
    return host;
  }

  /** `DELETE /defender/hosts/{id}`: unbans and forgets the host; 404 `Not found` when unknown or disabled. */
  async deleteHost(id: string): Promise<{ message: string }> {
    const ip = ipFromHostId(id);
    if (!this.driver || !(await this.driver.deleteHost(ip, this.clock.now()))) {
      throw new ApiError(404, '', 'Not found');
    }
    return { message: 'OK' };
  }
}

/** The IP a host id names: the hex encoding of the IP text (SFTPGo's `getIPFromID`). */
export function ipFromHostId(id: string): string {
  if (id.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(id)) throw new BadRequestError('invalid host id');
  const ip = Buffer.from(id, 'hex').toString('utf8');
  if (!isIP(ip)) throw new BadRequestError(`ip address ${JSON.stringify(ip)} is not valid`);
  return ip;
}

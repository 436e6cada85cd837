import { Global, Module } from '@nestjs/common';
import { DefenderController } from './defender/defender.controller';
import { DefenderService } from './defender/defender.service';
import { DefenderClock } from './defender/defender.types';
import { RateLimiterService } from './rate-limit/rate-limiter.service';
import { IpListsController } from './ip-lists/ip-lists.controller';
import { IpListsRepository } from './ip-lists/ip-lists.repository';
import { IpListsService } from './ip-lists/ip-lists.service';
import { SecurityGate } from './security-gate';
import { Defender, IpListMatcher, RateLimiter } from './security.types';

/**
 * The security machinery (DESIGN.md): IP lists, the defender and the rate limiters, and the gate that
 * applies them to every request before any other work. Global: the auth and share code report
 * failed credentials to the defender through `AuthFailures` (libs/common).
 */
@Global()
@Module({
  providers: [
    SecurityGate,
    IpListsRepository,
    IpListsService,
    { provide: IpListMatcher, useExisting: IpListsService },
    DefenderClock,
    DefenderService,
    { provide: Defender, useExisting: DefenderService },
    RateLimiterService,
    { provide: RateLimiter, useExisting: RateLimiterService },
  ],
  controllers: [IpListsController, DefenderController],
  exports: [
    SecurityGate,
    IpListMatcher,
    Defender,
    RateLimiter,
    IpListsService,
    DefenderService,
    RateLimiterService,
  ],
})
export class SecurityModule {}

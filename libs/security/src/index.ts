/** IP list types and modes, protocol bits, defender event kinds. */
export * from './security.types';
/** The `ip_lists`, `defender_hosts` and `defender_events` tables. */
export * from './entities/ip-list-entry.entity';
export * from './entities/defender-host.entity';
export * from './entities/defender-event.entity';
/** `SecurityGate`: allow list, bans and rate limits, checked on every request. */
export * from './security-gate';
/** `SecurityModule` (global). */
export * from './security.module';
/** `RateLimiterService`: SFTPGo's token-bucket rate limiters, in memory or shared through Redis. */
export * from './rate-limit/rate-limiter.service';
/** Token-bucket maths and `common.rate_limiters` validation. */
export * from './rate-limit/token-bucket';
/** Bucket storage contract, the in-memory storage and the clock. */
export * from './rate-limit/rate-limit.storage';
/** Bucket storage in Redis (`common.rate_limiters_redis_url`). */
export * from './rate-limit/redis-rate-limit.storage';
/** `DefenderService`: SFTPGo's defender (memory and provider drivers) and its `/defender/hosts` API. */
export * from './defender/defender.service';
/** Defender drivers' contract, clock, score and `common.defender` validation. */
export * from './defender/defender.types';
/** `IpListsService`: the `/iplists` API and the in-memory matching of the three IP lists. */
export * from './ip-lists/ip-lists.service';
/** Wire JSON of an IP list entry: `ipListEntryToWire`, `IpListEntryWire`. */
export * from './ip-lists/ip-lists.mapper';
/** `IpListEntryDto`: the body of POST/PUT `/iplists` (and of backup entries). */
export { IpListEntryDto } from './ip-lists/dto/ip-list-entry.dto';
/** IP parsing and SFTPGo's normalisation of IP list networks. */
export * from './ip-lists/ip-address';
/** `IpListTable`: one IP list in memory, longest prefix first. */
export * from './ip-lists/ip-list-table';

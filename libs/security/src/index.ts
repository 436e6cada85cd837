/** IP list types and modes, protocol bits, defender event kinds. */
export * from './security.types';
/** The `ip_lists`, `defender_hosts` and `defender_events` tables. */
export * from './entities/ip-list-entry.entity';
export * from './entities/defender-host.entity';
export * from './entities/defender-event.entity';
/** `SecurityModule` (global). */
export * from './security.module';

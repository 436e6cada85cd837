export * from './maintenance.module';
export * from './version';
/** Data retention checks: `RetentionModule`, `RetentionService` (start/run/list) and their types. */
export * from './retention';

/** `AuditModule`: the audit trail of admin-side changes. */
export * from './audit.module';
/** `AuditService.record()`: one log line and one `provider_events` row per change. */
export * from './audit.service';
/** The interceptor that records `@Audited()` routes (registered globally by `AuditModule`). */
export * from './audit.interceptor';
/** The shape of one recorded change. */
export * from './audit.types';
/** The `provider_events` table. */
export * from './entities/provider-event.entity';

export * from './auth/admin-permission';
export * from './auth/principal';
export * from './auth/auth-failures';
export * from './auth/auth.decorators';
/** `@Audited()`: marks a route as a change recorded by the audit trail. */
export * from './auth/audited.decorator';
export * from './errors/api-error';
export * from './errors/api-exception.filter';
export * from './crypto/password-hasher';
export * from './util/time';
/** `restoreObject()`: add, skip or update one object of a backup. */
export * from './util/restore';
export * from './util/client-ip';
export * from './util/names';
export * from './util/basic-auth';
export * from './util/content-type';
export * from './common.module';
export * from './http/validation';
export * from './http/stream-body';
export * from './http/list-query';
/** SFTPGo's `ApiResponse` schema (`{"message": ..., "error"?: ...}`), one DTO for every route. */
export * from './http/api-response.dto';
export * from './auth/user-settings.types';
export * from './crypto/entropy';
export * from './validation/paths';
export * from './validation/permissions';
/** SFTPGo's file pattern filters (`User.IsFileAllowed`), the one place for the rule. */
export * from './validation/file-patterns';
export * from './validation/user-filters';
export * from './validation/public-keys';
export * from './http/created';
/** Client IP behind proxies, the accepting binding's switches and client certificates, per request. */
export * from './http/request-binding';

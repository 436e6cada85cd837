import { ApiError, ConflictError, ServiceUnavailableError } from '@app/common';
import { QueryFailedError } from 'typeorm';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  '57P01', // pg admin_shutdown (also pg_terminate_backend)
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
]);

function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === 'string') return code;
  return typeof errno === 'number' ? String(errno) : '';
}

/**
 * Maps driver errors of the three providers to API errors: duplicated keys and broken references
 * are 409 (as SFTPGo), a lost or refused connection is 503; anything else is left to the filter.
 */
export function translateDatabaseError(error: unknown): ApiError | undefined {
  const driverError = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  const code = codeOf(driverError);
  const text = driverError instanceof Error ? driverError.message : String(driverError);
  if (
    code === '23505' ||
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  ) {
    return new ConflictError(`duplicated key not allowed: ${text}`);
  }
  if (
    code === '23503' ||
    code === 'ER_NO_REFERENCED_ROW_2' ||
    code === 'ER_ROW_IS_REFERENCED_2' ||
    code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
  ) {
    return new ConflictError(`the referenced object does not exist or is in use: ${text}`);
  }
  if (
    CONNECTION_CODES.has(code) ||
    /Connection terminated|connection is closed|Can't add new command when connection is in closed state|Pool is closed|not connected|Connection lost/i.test(
      text,
    )
  ) {
    return new ServiceUnavailableError('the data provider is not available');
  }
  return undefined;
}

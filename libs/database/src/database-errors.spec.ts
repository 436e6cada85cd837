import { ApiError } from '@app/common';
import { QueryFailedError } from 'typeorm';
import { translateDatabaseError } from './database-errors';

function driverError(code: string, message = `driver failure ${code}`): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

function queryFailed(driver: Error): QueryFailedError {
  return new QueryFailedError('INSERT INTO admins ...', [], driver);
}

describe('translateDatabaseError', () => {
  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'ER_DUP_ENTRY', '23505'])(
    'maps a %s duplicate to 409 "duplicated key not allowed"',
    (code) => {
      const error = translateDatabaseError(queryFailed(driverError(code, 'UNIQUE constraint failed: x')));
      expect(error).toBeInstanceOf(ApiError);
      expect(error!.status).toBe(409);
      expect(error!.error).toMatch(/^duplicated key not allowed/);
      expect(error!.error).toContain('UNIQUE constraint failed: x');
    },
  );

  it.each(['SQLITE_CONSTRAINT_FOREIGNKEY', 'ER_NO_REFERENCED_ROW_2', 'ER_ROW_IS_REFERENCED_2', '23503'])(
    'maps a %s foreign key violation to 409',
    (code) => {
      const error = translateDatabaseError(queryFailed(driverError(code)));
      expect(error!.status).toBe(409);
      expect(error!.error).toMatch(/^the referenced object does not exist or is in use/);
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', '57P01', '08006', 'SQLITE_BUSY'])(
    'maps the connection error %s to 503',
    (code) => {
      const error = translateDatabaseError(queryFailed(driverError(code)));
      expect(error!.status).toBe(503);
      expect(error!.body()).toEqual({
        error: 'the data provider is not available',
        message: 'Service Unavailable',
      });
    },
  );

  it('maps a connection error that is not wrapped in a QueryFailedError', () => {
    expect(translateDatabaseError(driverError('ECONNREFUSED'))!.status).toBe(503);
  });

  it('maps a lost connection recognised by its message only', () => {
    expect(translateDatabaseError(new Error('Connection terminated unexpectedly'))!.status).toBe(503);
    expect(translateDatabaseError(queryFailed(new Error('Connection terminated unexpectedly')))!.status).toBe(
      503,
    );
  });

  it('does not leak the driver text of a connection error to the client', () => {
    const error = translateDatabaseError(driverError('ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:5432'));
    expect(JSON.stringify(error!.body())).not.toContain('10.1.2.3');
  });

  it('reads a numeric errno when there is no string code', () => {
    const error = Object.assign(new Error('x'), { errno: 23505 });
    expect(translateDatabaseError(error)!.status).toBe(409);
  });

  it.each([
    ['a syntax error', queryFailed(driverError('ER_PARSE_ERROR'))],
    ['a pg undefined column', queryFailed(driverError('42703'))],
    ['a generic SQLITE_CONSTRAINT (NOT NULL)', queryFailed(driverError('SQLITE_CONSTRAINT_NOTNULL'))],
    ['a plain error', new Error('something else')],
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
  ])('leaves %s to the filter', (_what, error) => {
    expect(translateDatabaseError(error)).toBeUndefined();
  });
});

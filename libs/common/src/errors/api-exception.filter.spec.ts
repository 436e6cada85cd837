import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import {
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from './api-error';
import { ApiExceptionFilter, ErrorTranslator } from './api-exception.filter';

/** What the filter wrote on the fake reply. */
interface Recorded {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
  sends: number;
}

function fakeHost(sent = false): { host: ArgumentsHost; recorded: Recorded } {
  const recorded: Recorded = { headers: {}, sends: 0 };
  const reply = {
    sent,
    status(code: number) {
      recorded.status = code;
      return reply;
    },
    header(name: string, value: string) {
      recorded.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(body: unknown) {
      recorded.body = body;
      recorded.sends += 1;
    },
  };
  const http = {
    getResponse: <T>() => reply as unknown as T,
    getRequest: <T>() => ({}) as T,
    getNext: <T>() => (() => undefined) as unknown as T,
  };
  const host = { switchToHttp: () => http } as unknown as ArgumentsHost;
  return { host, recorded };
}

function run(exception: unknown, filter = new ApiExceptionFilter()): Recorded {
  const { host, recorded } = fakeHost();
  filter.catch(exception, host);
  return recorded;
}

describe('ApiExceptionFilter', () => {
  // Jest gives each spec file its own module registry: silencing Nest here affects only this file.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  describe('ApiError subclasses', () => {
    it('writes a validation error as SFTPGo does, with a JSON content type', () => {
      const out = run(new ValidationError('x'));
      expect(out.status).toBe(400);
      expect(out.body).toEqual({ error: 'Validation error: x', message: '' });
      expect(out.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(out.sends).toBe(1);
    });

    it('writes 404 as {"error":"Not Found","message":""}', () => {
      const out = run(new NotFoundError());
      expect(out.status).toBe(404);
      expect(out.body).toEqual({ error: 'Not Found', message: '' });
    });

    it('passes the WWW-Authenticate header of a 401 through', () => {
      const out = run(
        new UnauthorizedError('invalid credentials', 'Unauthorized', {
          'WWW-Authenticate': 'Basic realm="SFTPGo Web"',
        }),
      );
      expect(out.status).toBe(401);
      expect(out.headers['www-authenticate']).toBe('Basic realm="SFTPGo Web"');
      expect(out.body).toEqual({ error: 'invalid credentials', message: 'Unauthorized' });
    });

    it('omits error when it is empty', () => {
      const out = run(new ForbiddenError());
      expect(out.status).toBe(403);
      expect(out.body).toEqual({ message: 'Forbidden' });
      expect(out.body).not.toHaveProperty('error');
    });

    it.each([
      [new BadRequestError('bad param'), 400, { error: 'bad param', message: '' }],
      [
        new ConflictError('duplicated key not allowed'),
        409,
        { error: 'duplicated key not allowed', message: '' },
      ],
      [
        new ServiceUnavailableError('the data provider is not available'),
        503,
        { error: 'the data provider is not available', message: 'Service Unavailable' },
      ],
      [new ApiError(418, '', 'teapot'), 418, { message: 'teapot' }],
    ])('writes %s with its status and body', (error, status, body) => {
      const out = run(error);
      expect(out.status).toBe(status);
      expect(out.body).toEqual(body);
    });

    it('writes nothing when the reply was already sent', () => {
      const { host, recorded } = fakeHost(true);
      new ApiExceptionFilter().catch(new NotFoundError(), host);
      expect(recorded.sends).toBe(0);
      expect(recorded.status).toBeUndefined();
    });
  });

  describe('Nest HttpExceptions', () => {
    it('writes a NotFoundException (unknown route) as 404 {"message":"Not Found"}', () => {
      const out = run(new NotFoundException('Cannot GET /api/v2/nope'));
      expect(out.status).toBe(404);
      expect(out.body).toEqual({ message: 'Not Found' });
    });

    it('keeps the status and the message of other HttpExceptions, with the status text as message', () => {
      const out = run(new BadRequestException('missing parameter'));
      expect(out.status).toBe(400);
      expect(out.body).toEqual({ error: 'missing parameter', message: 'Bad Request' });
    });

    it('joins an array of messages', () => {
      const out = run(new BadRequestException(['a is wrong', 'b is wrong']));
      expect(out.body).toEqual({ error: 'a is wrong; b is wrong', message: 'Bad Request' });
    });

    it('uses a plain string response as the error', () => {
      const out = run(new HttpException('slow down', 429));
      expect(out.status).toBe(429);
      expect(out.body).toEqual({ error: 'slow down', message: 'Too Many Requests' });
    });

    it('keeps 403 and 413 statuses', () => {
      expect(run(new ForbiddenException()).status).toBe(403);
      expect(run(new PayloadTooLargeException()).status).toBe(413);
    });
  });

  describe('Fastify errors', () => {
    it('writes an invalid JSON body as 400 with its message', () => {
      const out = run({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'x' });
      expect(out.status).toBe(400);
      expect(out.body).toEqual({ error: 'x', message: '' });
    });

    it('keeps a too large body a 413 (SFTPGo says 400), with the error text', () => {
      const out = run({
        statusCode: 413,
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        message: 'Request body is too large',
      });
      expect(out.status).toBe(413);
      expect(out.body).toEqual({ error: 'Request body is too large', message: '' });
    });

    it('turns an unsupported media type (415) into 400', () => {
      const error = Object.assign(new Error('Unsupported Media Type: text/xml'), {
        statusCode: 415,
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      });
      const out = run(error);
      expect(out.status).toBe(400);
      expect(out.body).toEqual({ error: 'Unsupported Media Type: text/xml', message: '' });
    });

    it('does not trust a statusCode without an FST_ code', () => {
      const out = run({ statusCode: 400, code: 'ENOENT', message: '/secret/path' });
      expect(out.status).toBe(500);
      expect(JSON.stringify(out.body)).not.toContain('/secret/path');
    });
  });

  describe('unknown errors', () => {
    it('writes 500 without leaking the message', () => {
      const out = run(new Error('SELECT * FROM admins: password=hunter2'));
      expect(out.status).toBe(500);
      expect(out.body).toEqual({ error: 'internal server error', message: '' });
      expect(JSON.stringify(out.body)).not.toContain('hunter2');
    });

    it.each([
      ['a string', 'boom'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
    ])('writes 500 for a thrown %s', (_what, thrown) => {
      const out = run(thrown);
      expect(out.status).toBe(500);
      expect(out.body).toEqual({ error: 'internal server error', message: '' });
    });

    it('logs 5xx errors and not 4xx ones', () => {
      const filter = new ApiExceptionFilter();
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        run(new NotFoundError(), filter);
        expect(logged).not.toHaveBeenCalled();
        run(new Error('kaboom'), filter);
        expect(logged).toHaveBeenCalledTimes(1);
        expect(String(logged.mock.calls[0][0])).toContain('kaboom');
      } finally {
        logged.mockRestore();
      }
    });
  });

  describe('translators', () => {
    class DriverError extends Error {}

    const translator: ErrorTranslator = (error) =>
      error instanceof DriverError ? new ConflictError('duplicated key not allowed') : undefined;

    it('uses a translator result over the defaults', () => {
      const out = run(new DriverError('UNIQUE constraint failed'), new ApiExceptionFilter([translator]));
      expect(out.status).toBe(409);
      expect(out.body).toEqual({ error: 'duplicated key not allowed', message: '' });
    });

    it('lets a translator win over HttpException and Fastify mapping', () => {
      const always: ErrorTranslator = () => new ServiceUnavailableError('down');
      const filter = new ApiExceptionFilter([always]);
      expect(run(new BadRequestException('x'), filter).status).toBe(503);
      expect(
        run({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'x' }, filter).status,
      ).toBe(503);
    });

    it('does not translate ApiErrors', () => {
      const translate = jest.fn<ApiError | undefined, [unknown]>(() => new ServiceUnavailableError('down'));
      const out = run(new NotFoundError(), new ApiExceptionFilter([translate]));
      expect(out.status).toBe(404);
      expect(translate).not.toHaveBeenCalled();
    });

    it('asks translators in order and falls back to the defaults when none answers', () => {
      const calls: string[] = [];
      const first: ErrorTranslator = () => {
        calls.push('first');
        return undefined;
      };
      const second: ErrorTranslator = () => {
        calls.push('second');
        return new ConflictError('second');
      };
      const third: ErrorTranslator = () => {
        calls.push('third');
        return new ConflictError('third');
      };
      const out = run(new Error('x'), new ApiExceptionFilter([first, second, third]));
      expect(calls).toEqual(['first', 'second']);
      expect(out.body).toEqual({ error: 'second', message: '' });

      const none = run(new Error('x'), new ApiExceptionFilter([first]));
      expect(none.status).toBe(500);
    });
  });
});

import { Audited } from '@app/common';
import { type CallHandler, type ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventEmitter } from 'node:events';
import { lastValueFrom, of, throwError } from 'rxjs';
import type { DataSource } from 'typeorm';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import type { AuditEntry } from './audit.types';

class Handlers {
  @Audited({ type: 'user', name: 'param:username' })
  update(): void {}

  @Audited({ type: 'api_key', name: 'header:x-object-id' })
  create(): void {}

  @Audited({ type: 'admin', name: 'principal', action: 'update' })
  profile(): void {}

  @Audited({ type: 'user', name: 'param:username' })
  read(): void {}

  plain(): void {}
}

/** A request/reply pair as Fastify gives them to the interceptor, with a Node response to end. */
function exchange(method: string, handler: keyof Handlers) {
  const raw = Object.assign(new EventEmitter(), { statusCode: 200 });
  const headers: Record<string, string> = {};
  const request = {
    method,
    params: { username: 'alice' },
    body: { password: 'secret' },
    principal: { username: 'admin', role: 'r1' },
    raw: { socket: { remoteAddress: '::ffff:10.0.0.7' } },
  };
  const reply = {
    raw,
    getHeader: (name: string) => headers[name],
    header: (n: string, v: string) => (headers[n] = v),
  };
  const context = {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  const end = (status: number) => {
    raw.statusCode = status;
    raw.emit('finish');
    raw.emit('close');
  };
  return { context, reply, end };
}

describe('AuditInterceptor', () => {
  let recorded: AuditEntry[];
  let interceptor: AuditInterceptor;

  beforeEach(() => {
    recorded = [];
    const audit = { record: async (entry: AuditEntry) => void recorded.push(entry) } as AuditService;
    interceptor = new AuditInterceptor(new Reflector(), audit);
  });

  const handle = (value: unknown): CallHandler => ({ handle: () => of(value) });

  it('records after the route returned and the response ended, with the object it returned', async () => {
    const { context, end } = exchange('POST', 'update');
    await lastValueFrom(interceptor.intercept(context, handle({ username: 'alice', status: 1 })));
    expect(recorded).toEqual([]);
    end(201);
    expect(recorded).toEqual([
      {
        action: 'add',
        objectType: 'user',
        objectName: 'alice',
        username: 'admin',
        ip: '10.0.0.7',
        role: 'r1',
        objectData: { username: 'alice', status: 1 },
      },
    ]);
  });

  it('records a response sent before the handler returned (@Res), reading its headers', async () => {
    const { context, reply, end } = exchange('POST', 'create');
    const observable = interceptor.intercept(context, handle(undefined));
    reply.header('x-object-id', 'key-id');
    end(201);
    expect(recorded).toEqual([]);
    await lastValueFrom(observable);
    expect(recorded).toEqual([expect.objectContaining({ objectType: 'api_key', objectName: 'key-id' })]);
    expect(recorded[0].objectData).toBeUndefined();
  });

  it('keeps no ApiResponse (with a one-time key beside the message) as the object', async () => {
    const { context, end } = exchange('PUT', 'profile');
    await lastValueFrom(interceptor.intercept(context, handle({ message: 'ok', key: 'k' })));
    end(200);
    expect(recorded).toEqual([
      expect.objectContaining({
        action: 'update',
        objectType: 'admin',
        objectName: 'admin',
        objectData: undefined,
      }),
    ]);
  });

  it('records nothing when the handler fails or the final status is 400 or more', async () => {
    const failing = exchange('DELETE', 'update');
    const error = new Error('not found');
    await expect(
      lastValueFrom(interceptor.intercept(failing.context, { handle: () => throwError(() => error) })),
    ).rejects.toBe(error);
    failing.end(404);
    const refused = exchange('DELETE', 'update');
    await lastValueFrom(interceptor.intercept(refused.context, handle(undefined)));
    refused.end(400);
    expect(recorded).toEqual([]);
  });

  it('records once, even when both finish and close are seen', async () => {
    const { context, end } = exchange('DELETE', 'update');
    await lastValueFrom(interceptor.intercept(context, handle({ message: 'deleted' })));
    end(200);
    end(200);
    expect(recorded).toHaveLength(1);
  });

  it('passes routes without @Audited through untouched', async () => {
    const { context, end } = exchange('POST', 'plain');
    expect(await lastValueFrom(interceptor.intercept(context, handle('x')))).toBe('x');
    end(200);
    expect(recorded).toEqual([]);
  });

  it('refuses an @Audited route whose method implies no action', () => {
    const { context } = exchange('GET', 'read');
    expect(() => interceptor.intercept(context, handle(undefined))).toThrow(/explicit action/);
  });
});

describe('AuditService', () => {
  it('never throws: a failed insert is logged, without the object', async () => {
    const failing = {
      getRepository: () => ({ insert: () => Promise.reject(new Error('database is down')) }),
    } as unknown as DataSource;
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logs = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await expect(
        new AuditService(failing).record({
          action: 'add',
          objectType: 'user',
          objectName: 'alice',
          username: 'admin',
          ip: '127.0.0.1',
          objectData: { username: 'alice', note: 'do-not-log' },
        }),
      ).resolves.toBeUndefined();
      expect(logs).toHaveBeenCalledWith(
        expect.objectContaining({ audit: true, action: 'add', object_type: 'user', object_name: 'alice' }),
      );
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('database is down'));
      expect(JSON.stringify([...errors.mock.calls, ...logs.mock.calls])).not.toContain('do-not-log');
    } finally {
      errors.mockRestore();
      logs.mockRestore();
    }
  });
});

import type { UsersService } from '@app/users';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { ConnectionRegistry, connectionOf, newXid } from './connection-registry';
import { TransferAbort, TransferAbortedError, TransferRegistry } from './transfer-registry';

function fakeRequest(remoteAddress = '::ffff:10.0.0.1', userAgent?: string): IncomingMessage {
  const socket = Object.assign(new EventEmitter(), { remoteAddress, remotePort: 4242, destroy: jest.fn() });
  return {
    socket,
    method: 'POST',
    headers: userAgent ? { 'user-agent': userAgent } : {},
  } as unknown as IncomingMessage;
}

function setup() {
  const transfers = new TransferRegistry();
  let disconnect: ((username: string) => void) | undefined;
  const users = { onDisconnect: (listener: (u: string) => void) => (disconnect = listener) };
  const registry = new ConnectionRegistry(transfers, users as unknown as UsersService);
  return { transfers, registry, disconnect: (u: string) => disconnect?.(u) };
}

describe('newXid', () => {
  it('gives 20 base32hex characters, unique and sortable by time', () => {
    const a = newXid(1_000_000_000_000);
    const b = newXid(2_000_000_000_000);
    expect(a).toMatch(/^[0-9a-v]{20}$/);
    expect(b > a).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newXid())).size).toBe(1000);
  });
});

describe('TransferAbort', () => {
  it('destroys the stream attached later with the abort that came first', () => {
    const abort = new TransferAbort();
    const reason = new TransferAbortedError();
    abort.onAbort(reason);
    const stream = new PassThrough();
    stream.on('error', () => undefined);
    abort.attach(stream);
    expect(stream.destroyed).toBe(true);
    expect(stream.errored).toBe(reason);
  });

  it('aborts a transfer started on a connection already closed', () => {
    const controller = new AbortController();
    controller.abort();
    const stream = new PassThrough();
    stream.on('error', () => undefined);
    new TransferAbort(controller.signal).attach(stream);
    expect(stream.errored).toBeInstanceOf(TransferAbortedError);
  });
});

describe('ConnectionRegistry', () => {
  it('lists a connection with its transfers until the response closes', () => {
    const { registry, transfers } = setup();
    const request = fakeRequest('::ffff:10.0.0.1', 'agent/1');
    const response = new EventEmitter() as ServerResponse;
    const conn = registry.open(request, response, { protocol: 'HTTP', username: 'u1', role: '' });
    expect(connectionOf(request)).toBe(conn);
    expect(conn.id).toMatch(/^HTTP_[0-9a-v]{20}$/);
    const handle = transfers.register({
      username: 'u1',
      virtualPath: '/f',
      direction: 'upload',
      connectionId: conn.id,
    });
    handle.add(10);
    const [listed] = registry.list();
    expect(listed).toMatchObject({
      id: conn.id,
      username: 'u1',
      protocol: 'HTTP',
      clientVersion: 'agent/1',
      remoteAddress: '10.0.0.1:4242',
      command: 'POST',
      transfers: [{ virtualPath: '/f', direction: 'upload', bytes: 10 }],
    });
    response.emit('close');
    expect(registry.list()).toEqual([]);
  });

  it('hides a share connection until its owner is bound, and other roles', () => {
    const { registry } = setup();
    const conn = registry.open(fakeRequest('::1'), new EventEmitter() as ServerResponse, {
      protocol: 'HTTPShare',
    });
    expect(registry.list()).toEqual([]);
    expect(registry.close(conn.id)).toBe(false);
    conn.bind('owner', 'r1');
    expect(registry.list().map((c) => c.remoteAddress)).toEqual(['[::1]:4242']);
    expect(registry.list('r2')).toEqual([]);
    expect(registry.close(conn.id, 'r2')).toBe(false);
    expect(registry.close(conn.id, 'r1')).toBe(true);
    expect(conn.signal.aborted).toBe(true);
  });

  it("aborts the connection's transfers when it is closed or its user disconnected", () => {
    const { registry, transfers, disconnect } = setup();
    const response = new EventEmitter() as ServerResponse;
    const conn = registry.open(fakeRequest(), response, { protocol: 'HTTP', username: 'u1' });
    const onAbort = jest.fn();
    transfers.register({
      username: 'u1',
      virtualPath: '/f',
      direction: 'download',
      connectionId: conn.id,
      onAbort,
    });
    disconnect('someone-else');
    expect(onAbort).not.toHaveBeenCalled();
    disconnect('u1');
    expect(onAbort).toHaveBeenCalledWith(expect.any(TransferAbortedError));
    expect(conn.signal.aborted).toBe(true);
    response.emit('close');
    expect(registry.closeFor('u1')).toBe(0);
  });
});

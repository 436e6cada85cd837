import { type AnyRequest, clientIp, normalizeIp } from '@app/common';
import { UsersService } from '@app/users';
import { createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { type ActiveTransfer, TransferAbortedError, TransferRegistry } from './transfer-registry';

/** SFTPGo's protocol names of REST connections. */
export type ConnectionProtocol = 'HTTP' | 'HTTPShare';

/** A connection as the connections API reports it (SFTPGo's `ConnectionStatus`, camel-cased). */
export interface ConnectionSnapshot {
  id: string;
  username: string;
  /** The user's role ("" when none): role admins only see their role's connections. */
  role: string;
  protocol: ConnectionProtocol;
  /** The User-Agent, "" when none. */
  clientVersion: string;
  /** `ip:port` of the peer, or the IP a trusted proxy header gave (SFTPGo's `RemoteAddr`). */
  remoteAddress: string;
  /** Epoch milliseconds. */
  connectionTime: number;
  /** Epoch milliseconds of the last bytes moved (the request start until then). */
  lastActivity: number;
  /** The HTTP method. */
  command: string;
  transfers: ActiveTransfer[];
}

/** The connection of one request, as the file services see it. */
export interface RequestConnection {
  readonly id: string;
  /** Aborted when the connection is closed from outside. */
  readonly signal: AbortSignal;
  /** Names the user the connection acts for (shares: the owner, once the share's gate passed). */
  bind(username: string, role: string): void;
}

/** What {@link ConnectionRegistry.open} needs to know about the request. */
export interface ConnectionStart {
  protocol: ConnectionProtocol;
  /** Known at once for the user API; shares bind their owner later. */
  username?: string;
  role?: string;
}

/** SFTPGo gives a closed HTTP connection this long (its read/write deadlines) before the socket goes. */
const CLOSE_DEADLINE_MS = 5000;

const CONNECTION = Symbol('sftpgo.connection');

type Tagged = IncomingMessage & { [CONNECTION]?: Connection };

/** xid's alphabet (base32hex, lower case). */
const XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';
/** xid's machine id and process id part: random per process, as two nodes would differ. */
const XID_MACHINE = randomBytes(5);
let xidCounter = randomBytes(3).readUIntBE(0, 3);

/**
 * A globally unique id in xid's form (as SFTPGo's connection ids): 12 bytes (time in seconds,
 * machine and process, counter) as 20 base32hex characters.
 */
export function newXid(now = Date.now()): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  XID_MACHINE.copy(bytes, 4);
  xidCounter = (xidCounter + 1) & 0xffffff;
  bytes.writeUIntBE(xidCounter, 9, 3);
  // 96 bits, shifted left by 4 to fill 20 characters of 5 bits (xid's encoding).
  let value = (BigInt(`0x${bytes.toString('hex')}`) << 4n) as bigint;
  let out = '';
  for (let i = 0; i < 20; i += 1) {
    out = XID_ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** Go's `net.JoinHostPort`. */
function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

class Connection implements RequestConnection {
  readonly id: string;
  readonly connectionTime = Date.now();
  username: string;
  role: string;
  private readonly controller = new AbortController();
  private deadline?: NodeJS.Timeout;

  constructor(
    readonly protocol: ConnectionProtocol,
    readonly clientVersion: string,
    readonly remoteAddress: string,
    readonly command: string,
    private readonly raw: IncomingMessage,
    start: ConnectionStart,
  ) {
    this.id = `${protocol}_${newXid(this.connectionTime)}`;
    this.username = start.username ?? '';
    this.role = start.role ?? '';
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  bind(username: string, role: string): void {
    this.username = username;
    this.role = role;
  }

  /** Signals the abort, then gives the request SFTPGo's deadline to end before its socket is cut. */
  abort(reason: Error): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.deadline = setTimeout(() => this.raw.socket?.destroy(), CLOSE_DEADLINE_MS);
    this.deadline.unref();
  }

  ended(): void {
    if (this.deadline) clearTimeout(this.deadline);
  }
}

/**
 * The REST connections in progress (SFTPGo's `ConnectionStatus`): one per user file API or public
 * share request while it runs (registered by `ConnectionInterceptor`), with its transfers from the
 * {@link TransferRegistry}. Closing one aborts its transfers (each through its own abort hook, so
 * uploads drop their temp file and release their quota, downloads are cut) and cuts the request if
 * it has not ended within SFTPGo's 5 s deadline. In-process state: one node.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly entries = new Map<string, Connection>();

  constructor(
    private readonly transfers: TransferRegistry,
    users: UsersService,
  ) {
    // A deleted user, or one updated with `disconnect=1`, loses its connections (SFTPGo).
    users.onDisconnect((username) => this.closeFor(username));
  }

  /**
   * Registers the connection of a request until its response is finished or its socket closes, and
   * tags the request with it ({@link connectionOf}).
   */
  open(request: AnyRequest, response: ServerResponse, start: ConnectionStart): RequestConnection {
    const raw = ('raw' in request ? request.raw : request) as Tagged;
    const existing = raw[CONNECTION];
    if (existing) return existing;
    const ip = clientIp(raw);
    const socket = raw.socket;
    // SFTPGo's `RemoteAddr`: `ip:port` of the peer, only the IP when a trusted proxy header gave it.
    const peer = normalizeIp(socket?.remoteAddress);
    const remoteAddress = ip === peer && socket?.remotePort ? joinHostPort(ip, socket.remotePort) : ip;
    const userAgent = raw.headers['user-agent'] ?? '';
    const connection = new Connection(start.protocol, userAgent, remoteAddress, raw.method ?? '', raw, start);
    raw[CONNECTION] = connection;
    this.entries.set(connection.id, connection);
    response.once('close', () => {
      connection.ended();
      this.entries.delete(connection.id);
    });
    return connection;
  }

  /** The connections of users of `role` ("" = every user), oldest first, with their transfers. */
  list(role = ''): ConnectionSnapshot[] {
    const byConnection = new Map<string, ActiveTransfer[]>();
    for (const transfer of this.transfers.list()) {
      if (!transfer.connectionId) continue;
      const list = byConnection.get(transfer.connectionId) ?? [];
      list.push(transfer);
      byConnection.set(transfer.connectionId, list);
    }
    const out: ConnectionSnapshot[] = [];
    for (const c of this.entries.values()) {
      if (!this.visible(c, role)) continue;
      const transfers = byConnection.get(c.id) ?? [];
      out.push({
        id: c.id,
        username: c.username,
        role: c.role,
        protocol: c.protocol,
        clientVersion: c.clientVersion,
        remoteAddress: c.remoteAddress,
        connectionTime: c.connectionTime,
        lastActivity: Math.max(c.connectionTime, ...transfers.map((t) => t.lastActivity)),
        command: c.command,
        transfers,
      });
    }
    return out;
  }

  /** Closes connection `id` if a `role` admin ("" = any) may see it; false when unknown or hidden. */
  close(id: string, role = ''): boolean {
    const connection = this.entries.get(id);
    if (!connection || !this.visible(connection, role)) return false;
    this.abort(connection);
    return true;
  }

  /** Closes every connection of `username` (their transfers aborted); returns how many. */
  closeFor(username: string): number {
    let count = 0;
    for (const connection of [...this.entries.values()]) {
      if (connection.username !== username) continue;
      this.abort(connection);
      count += 1;
    }
    return count;
  }

  private abort(connection: Connection): void {
    const reason = new TransferAbortedError();
    connection.abort(reason);
    for (const transfer of this.transfers.list()) {
      if (transfer.connectionId === connection.id) this.transfers.abort(transfer.id, reason);
    }
  }

  /** Shares are shown once their owner is known; role admins see their role's users only. */
  private visible(connection: Connection, role: string): boolean {
    return connection.username !== '' && (role === '' || connection.role === role);
  }
}

/** The connection a request was registered under, if any. */
export function connectionOf(request: AnyRequest): RequestConnection | undefined {
  return ('raw' in request ? (request.raw as Tagged) : (request as Tagged))[CONNECTION];
}

/** Injects the request's {@link RequestConnection} (undefined outside connection-tracked routes). */
export const CurrentConnection = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): RequestConnection | undefined =>
    connectionOf(ctx.switchToHttp().getRequest<AnyRequest>()),
);

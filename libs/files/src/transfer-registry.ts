import { ApiError } from '@app/common';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Direction of a transfer, SFTPGo's `operation_type`. */
export type TransferDirection = 'upload' | 'download';

/** An active transfer as the connections API reports it. */
export interface ActiveTransfer {
  id: string;
  /** The connection (request) it belongs to, when known. */
  connectionId?: string;
  username: string;
  /** Virtual path of the file. */
  virtualPath: string;
  direction: TransferDirection;
  /** Bytes transferred so far. */
  bytes: number;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds of the last bytes moved (the start until then). */
  lastActivity: number;
}

/** What a caller gives to register a transfer. */
export interface TransferStart {
  username: string;
  virtualPath: string;
  direction: TransferDirection;
  connectionId?: string;
  /** The user's `max_sessions` (0 = unlimited). */
  maxSessions?: number;
  /** Called when the transfer is closed from outside (e.g. a future `DELETE /connections/{id}`). */
  onAbort?: (reason: Error) => void;
}

/** A registered transfer: its live byte counter and its end. */
export interface TransferHandle {
  readonly id: string;
  /** Bytes so far. */
  readonly bytes: number;
  /** Adds transferred bytes. */
  add(bytes: number): void;
  /** Unregisters the transfer; safe to call more than once. */
  close(): void;
}

/** SFTPGo's `ErrTransferAborted`: the transfer was closed from outside (`DELETE /connections/{id}`). */
export class TransferAbortedError extends Error {
  constructor() {
    super('transfer aborted');
    this.name = 'TransferAbortedError';
  }
}

/**
 * The abort hook of one transfer, bound late: a transfer is registered before the stream it moves
 * exists, so an abort that comes first is kept and applied when the stream is attached. Destroying
 * the stream with the reason lets the transfer's own failure path run (temp file removed, quota
 * released, response cut).
 */
export class TransferAbort {
  private stream?: { destroy(error?: Error): unknown };
  private reason?: Error;

  /** @param signal the connection's signal: a transfer started on a closed connection is aborted at once. */
  constructor(private readonly signal?: AbortSignal) {}

  /** The `onAbort` to register the transfer with. */
  readonly onAbort = (reason: Error): void => {
    this.reason ??= reason;
    this.stream?.destroy(this.reason);
  };

  /** Binds the stream an abort destroys (at once if the abort already happened); returns it. */
  attach<T extends { destroy(error?: Error): unknown }>(stream: T): T {
    this.stream = stream;
    if (!this.reason && this.signal?.aborted) this.reason = new TransferAbortedError();
    if (this.reason) stream.destroy(this.reason);
    return stream;
  }
}

/** Told when a transfer ends (metrics: bytes uploaded/downloaded). Must not throw. */
export type TransferObserver = (ended: ActiveTransfer) => void;

interface Entry {
  transfer: ActiveTransfer;
  onAbort?: (reason: Error) => void;
}

/**
 * The one place where active transfers are registered (username, path, direction, live bytes, start
 * time), ready for the connections API, and where `max_sessions` is enforced: a user with
 * `max_sessions` > 0 never has more concurrent transfers than that (SFTPGo: 429
 * `too many open sessions: N/M`, "Unable to add connection"). In-process state: one node.
 */
@Injectable()
export class TransferRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly observers: TransferObserver[] = [];

  /** Adds an observer told of every transfer's end, with its final byte count. */
  observe(observer: TransferObserver): void {
    this.observers.push(observer);
  }

  /** Registers a transfer, or throws the 429 when the user already has `maxSessions` of them. */
  register(start: TransferStart): TransferHandle {
    const max = start.maxSessions ?? 0;
    if (max > 0) {
      // Counted and added synchronously: two requests cannot both take the last place.
      const active = this.countFor(start.username);
      if (active >= max) {
        throw new ApiError(429, `too many open sessions: ${active}/${max}`, 'Unable to add connection');
      }
    }
    const transfer: ActiveTransfer = {
      id: randomUUID(),
      ...(start.connectionId ? { connectionId: start.connectionId } : {}),
      username: start.username,
      virtualPath: start.virtualPath,
      direction: start.direction,
      bytes: 0,
      startedAt: Date.now(),
      lastActivity: Date.now(),
    };
    this.entries.set(transfer.id, { transfer, onAbort: start.onAbort });
    const entries = this.entries;
    const observers = this.observers;
    return {
      id: transfer.id,
      get bytes() {
        return transfer.bytes;
      },
      add(bytes: number) {
        transfer.bytes += bytes;
        transfer.lastActivity = Date.now();
      },
      close() {
        if (!entries.delete(transfer.id)) return;
        for (const observer of observers) observer({ ...transfer });
      },
    };
  }

  /** Snapshots of every active transfer, oldest first. */
  list(): ActiveTransfer[] {
    return [...this.entries.values()].map((e) => ({ ...e.transfer }));
  }

  /** Snapshots of one user's active transfers. */
  listFor(username: string): ActiveTransfer[] {
    return this.list().filter((t) => t.username === username);
  }

  /** Number of active transfers of `username`. */
  countFor(username: string): number {
    let count = 0;
    for (const e of this.entries.values()) if (e.transfer.username === username) count += 1;
    return count;
  }

  /** Aborts a transfer through its owner's callback; false when unknown. It unregisters itself when done. */
  abort(id: string, reason: Error = new TransferAbortedError()): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.onAbort?.(reason);
    return true;
  }
}

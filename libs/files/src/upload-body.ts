import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

/** The client went away before sending the whole body. */
export class ClientAbortError extends Error {
  constructor() {
    super('the client closed the connection before the upload completed');
    this.name = 'ClientAbortError';
  }
}

/**
 * Pipes a request body into `sink` and resolves once the sink has flushed everything. Rejects when
 * the client aborts (`ClientAbortError`) or the sink fails (its error, e.g. over the size limit).
 * Unlike `pipeline`, a sink failure does not destroy the request (that would drop the socket before
 * the error response): the rest of the body is drained and discarded instead.
 */
export function receiveBody(source: IncomingMessage, sink: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      source.off('aborted', onAborted);
      source.off('close', onClose);
      sink.off('error', finish);
      sink.off('finish', onFinish);
      if (error) {
        source.unpipe(sink);
        if (!source.destroyed) source.resume();
        reject(error);
      } else {
        resolve();
      }
    };
    const onAborted = () => finish(new ClientAbortError());
    const onClose = () => {
      if (!source.complete) finish(new ClientAbortError());
    };
    const onFinish = () => finish();
    // Node emits `error` (ECONNRESET) on an aborted request: always handled, even after we settled.
    source.on('error', () => finish(new ClientAbortError()));
    source.on('aborted', onAborted);
    source.on('close', onClose);
    sink.on('error', finish);
    sink.on('finish', onFinish);
    source.pipe(sink);
  });
}

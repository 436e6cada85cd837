import { Busboy, type BusboyFileStream, type BusboyInstance } from '@fastify/busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { ClientAbortError } from './upload-body';

/** The body is not a multipart form (or a malformed one): SFTPGo's `Unable to parse multipart form`. */
export class MultipartParseError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'MultipartParseError';
  }
}

/** One file part of the form, its bytes still on the wire. */
export interface MultipartFile {
  /** The client's file name, as sent (the caller keeps only what it trusts). */
  filename: string;
  stream: Readable;
}

/**
 * Streams the file parts of a multipart request in field `field` to `onFile`, one after the other, as
 * they arrive: nothing is buffered beyond the parser's own chunks (backpressure holds the socket while
 * a part is being written). Resolves with the number of file parts handled once the whole form was
 * read and every `onFile` settled. The first `onFile` failure stops the parsing (the rest of the body
 * is drained and discarded) and rejects with that failure; a client abort rejects with
 * `ClientAbortError` after destroying the part in progress. Either way the promise settles only once
 * the part in progress has settled, so its writer has dropped the partial data by then.
 */
export function streamMultipartFiles(
  request: IncomingMessage,
  field: string,
  onFile: (file: MultipartFile) => Promise<void>,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      const contentType = request.headers['content-type'] ?? '';
      if (!/^multipart\/form-data\s*;/i.test(contentType)) {
        throw new MultipartParseError("request Content-Type isn't multipart/form-data");
      }
      parser = Busboy({ headers: { ...request.headers, 'content-type': contentType } });
    } catch (err) {
      request.resume(); // discard the body so the error response goes out on a clean connection
      reject(err instanceof MultipartParseError ? err : new MultipartParseError(errorText(err)));
      return;
    }
    let settled = false;
    let count = 0;
    let current: BusboyFileStream | undefined;
    let chain: Promise<void> = Promise.resolve();

    const cleanup = () => {
      request.off('aborted', onAborted);
      request.off('close', onClose);
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      request.unpipe(parser);
      if (!request.destroyed) request.resume();
      current?.resume();
      // After the part in progress has settled: its writer has then removed its partial data.
      void chain.then(() => reject(err));
    };
    const onAborted = () => {
      const abort = new ClientAbortError();
      current?.destroy(abort);
      fail(abort);
    };
    const onClose = () => {
      if (!request.complete) onAborted();
    };

    parser.on('file', (name: string, stream: BusboyFileStream, filename: string) => {
      // Failures are observed by whoever consumes the part; a late one must never go unhandled.
      stream.on('error', () => undefined);
      // Other fields, and parts without a file name (Go's form values), are ignored as SFTPGo does.
      if (settled || name !== field || !filename) {
        stream.resume();
        return;
      }
      count += 1;
      chain = chain.then(async () => {
        if (settled) {
          stream.resume();
          return;
        }
        current = stream;
        try {
          await onFile({ filename, stream });
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
        } finally {
          current = undefined;
        }
      });
    });
    parser.on('finish', () => {
      void chain.then(() => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(count);
      });
    });
    parser.on('error', (err: unknown) => {
      const parseError = new MultipartParseError(errorText(err));
      current?.destroy(parseError);
      fail(parseError);
    });
    // Node emits `error` (ECONNRESET) on an aborted request: always handled.
    request.on('error', onAborted);
    request.on('aborted', onAborted);
    request.on('close', onClose);
    request.pipe(parser);
  });
}

/**
 * Pipes one part into `sink` and resolves once the sink flushed everything; rejects when the part
 * fails (abort, malformed body) or the sink does (e.g. over the size limit). A failing sink leaves the
 * part to the caller, which drains it.
 */
export function receivePart(part: Readable, sink: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      part.off('error', finish);
      part.off('close', onClose);
      sink.off('error', finish);
      sink.off('finish', onFinish);
      if (error) {
        part.unpipe(sink);
        reject(error);
      } else {
        resolve();
      }
    };
    const onFinish = () => finish();
    // A part destroyed before it ends (a parse error or an abort, possibly before we got here).
    const onClose = () => {
      if (!part.readableEnded) finish(part.errored ?? new ClientAbortError());
    };
    if (part.destroyed) {
      onClose();
      return;
    }
    part.on('error', finish);
    part.once('close', onClose);
    sink.on('error', finish);
    sink.on('finish', onFinish);
    part.pipe(sink);
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

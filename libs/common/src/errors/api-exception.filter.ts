import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ApiError } from './api-error';

/** Turns a library error (database, framework) into an {@link ApiError}, or returns undefined. */
export type ErrorTranslator = (error: unknown) => ApiError | undefined;

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
  sent?: boolean;
}

/** The one place that writes errors: SFTPGo's `{"error","message"}` shape and status codes. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(private readonly translators: readonly ErrorTranslator[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<ReplyLike>();
    const error = this.toApiError(exception);
    if (error.status >= 500) {
      const detail = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`request ${http.getRequest<{ id?: string }>()?.id ?? '-'} failed: ${detail}`);
    }
    if (reply.sent) return;
    reply.status(error.status);
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.send(error.body());
  }

  /** Maps any thrown value to the error the client sees. */
  toApiError(exception: unknown): ApiError {
    if (exception instanceof ApiError) return exception;
    for (const translate of this.translators) {
      const translated = translate(exception);
      if (translated) return translated;
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    const fastify = fromFastifyError(exception);
    if (fastify) return fastify;
    return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, 'internal server error', '');
  }
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  if (status === HttpStatus.NOT_FOUND) return new ApiError(404, '', 'Not Found');
  const response = exception.getResponse();
  let detail = exception.message;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = (response as { message: unknown }).message;
    detail = Array.isArray(message) ? message.join('; ') : String(message);
  }
  return new ApiError(status, detail, STATUS_CODES[status] ?? '');
}

/** Fastify's own errors (body parsing, content type, size) carry `statusCode` and an `FST_` code. */
function fromFastifyError(exception: unknown): ApiError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, code, message } = exception as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof statusCode !== 'number' || typeof code !== 'string' || !code.startsWith('FST_'))
    return undefined;
  // SFTPGo answers 400 to every body decoding problem; an over-limit body (1 MiB of JSON) is 413 here,
  // which says what to fix (issue 8), with SFTPGo's error text.
  const status = statusCode === 415 ? 400 : statusCode;
  return new ApiError(status, String(message), '');
}

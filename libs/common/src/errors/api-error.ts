/**
 * A failure with SFTPGo's wire shape: `{"error": "...", "message": "..."}` (`error` omitted when
 * empty). Services throw these; the exception filter writes them.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly publicMessage: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(error || publicMessage);
    this.name = new.target.name;
  }

  /** The JSON body SFTPGo would send. */
  body(): { error?: string; message: string } {
    return this.error ? { error: this.error, message: this.publicMessage } : { message: this.publicMessage };
  }
}

/** 400 `Validation error: <detail>`. */
export class ValidationError extends ApiError {
  constructor(detail: string) {
    super(400, `Validation error: ${detail}`, '');
  }
}

/** 400 with a plain error text (bad parameters, malformed JSON). */
export class BadRequestError extends ApiError {
  constructor(error: string, message = '') {
    super(400, error, message);
  }
}

/** 401; `error` is the reason, `message` defaults to SFTPGo's `Unauthorized`. */
export class UnauthorizedError extends ApiError {
  constructor(error: string, message = 'Unauthorized', headers: Record<string, string> = {}) {
    super(401, error, message, headers);
  }
}

/** 403 `{"message":"Forbidden"}`, optionally with an error text. */
export class ForbiddenError extends ApiError {
  constructor(error = '', message = 'Forbidden') {
    super(403, error, message);
  }
}

/** 404 `{"error":"Not Found","message":""}` (details hidden, as SFTPGo does). */
export class NotFoundError extends ApiError {
  constructor() {
    super(404, 'Not Found', '');
  }
}

/** 409: duplicated key or a reference that does not exist. */
export class ConflictError extends ApiError {
  constructor(error: string) {
    super(409, error, '');
  }
}

/** 503: the data provider cannot be reached; the request may be retried. */
export class ServiceUnavailableError extends ApiError {
  constructor(error: string) {
    super(503, error, 'Service Unavailable');
  }
}

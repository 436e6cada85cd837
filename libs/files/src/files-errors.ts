/**
 * The one place where storage failures become HTTP errors of the user file API, with SFTPGo's codes
 * (`getMappedStatusCode`) and its generic error texts: the typed error's own message (which may name
 * provider-relative paths) never reaches the client, except where it tells the user what to fix.
 */
import { ApiError } from '@app/common';
import { Logger } from '@nestjs/common';
import { FsError } from '@app/storage';

/** Go's `os.ErrNotExist` text, what SFTPGo puts in `error` for a missing path. */
export const ERR_NOT_EXIST = 'file does not exist';
/** Go's `os.ErrPermission` text. */
export const ERR_PERMISSION = 'permission denied';
/** SFTPGo's `ErrOpUnsupported`. */
export const ERR_UNSUPPORTED = 'operation unsupported';
/** SFTPGo's `ErrQuotaExceeded`, also used when `max_upload_file_size` is exceeded. */
export const ERR_SPACE_LIMIT = 'denying write due to space limit';
/** SFTPGo's `ErrGenericFailure`. */
export const ERR_FAILURE = 'failure';

/** Go's `%q` for the paths SFTPGo quotes in messages (control characters never reach here). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A failure the file API reports with `message` (SFTPGo's per-operation text). */
export function filesApiError(err: unknown, message: string): ApiError {
  if (err instanceof ApiError) return err;
  if (!(err instanceof FsError)) {
    return new ApiError(500, ERR_FAILURE, message);
  }
  switch (err.code) {
    case 'NOT_FOUND':
      return new ApiError(404, ERR_NOT_EXIST, message);
    case 'PERMISSION':
    // SFTPGo (Go's os.Root) reports a path or symlink leading outside the root as permission denied.
    // falls through
    case 'ESCAPE':
      return new ApiError(403, ERR_PERMISSION, message);
    case 'TYPE':
    case 'UNSUPPORTED':
    case 'NOT_EMPTY':
      return new ApiError(400, ERR_UNSUPPORTED, message);
    case 'EXISTS':
      // SFTPGo answers 500 "failure" here (local mkdir of an existing dir); a 4xx the user can act on.
      return new ApiError(409, 'file exists', message);
    case 'TOO_LARGE':
      return new ApiError(413, ERR_SPACE_LIMIT, message, { connection: 'close' });
    case 'INVALID_PATH':
      return new ApiError(400, err.message, message);
    case 'UNSUPPORTED_PROVIDER':
      // Names the provider (never a secret), so the admin knows why the folder is unusable.
      return new ApiError(400, err.message, message);
    case 'LOOP':
      return new ApiError(400, 'too many levels of symbolic links', message);
    case 'INVALID_MOUNT':
    case 'IO':
    default:
      return new ApiError(500, ERR_FAILURE, message);
  }
}

/** Runs `op`, reporting any failure as {@link filesApiError} with `message`. */
export async function withMessage<T>(message: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const mapped = filesApiError(err, message);
    // The client sees a generic text: keep the real cause in the log.
    if (mapped.status >= 500 && mapped !== err) logger.error(err instanceof Error ? err.stack : String(err));
    throw mapped;
  }
}

const logger = new Logger('FilesService');

/**
 * Typed storage errors. They name the provider-relative or virtual path only, never the OS path, so a
 * message can reach a client without disclosing where homes live; the raw Node error stays in `cause`.
 * The HTTP layer maps them to statuses; nothing here knows about HTTP.
 */

/** What went wrong, independent of the provider. */
export type FsErrorCode =
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'TYPE'
  | 'PERMISSION'
  | 'ESCAPE'
  | 'TOO_LARGE'
  | 'NOT_EMPTY'
  | 'UNSUPPORTED'
  | 'INVALID_PATH'
  | 'INVALID_MOUNT'
  | 'UNSUPPORTED_PROVIDER'
  | 'LOOP'
  | 'IO';

/** Base of every storage error: a stable `code`, the path it concerns and the OS `errno` code if any. */
export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    message: string,
    readonly path?: string,
    options?: { cause?: unknown; errno?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errno = options?.errno;
  }

  /** The Node/OS error code (`ENOSPC`, ...) when the error came from the OS. */
  readonly errno?: string;
}

/** The path does not exist (ENOENT). */
export class FsNotFoundError extends FsError {
  constructor(path: string, cause?: unknown) {
    super('NOT_FOUND', `${path}: no such file or directory`, path, { cause, errno: 'ENOENT' });
  }
}

/** The path already exists (EEXIST). */
export class FsExistsError extends FsError {
  constructor(path: string, cause?: unknown) {
    super('EXISTS', `${path}: already exists`, path, { cause, errno: 'EEXIST' });
  }
}

/** A file where a directory is needed or the reverse (ENOTDIR, EISDIR). */
export class FsTypeError extends FsError {
  constructor(path: string, detail = 'wrong file type', cause?: unknown) {
    super('TYPE', `${path}: ${detail}`, path, { cause });
  }
}

/** The OS refused the operation (EACCES, EPERM), or the operation is never allowed (removing the root). */
export class FsPermissionError extends FsError {
  constructor(path: string, detail = 'permission denied', cause?: unknown) {
    super('PERMISSION', `${path}: ${detail}`, path, { cause });
  }
}

/** The path, or a symlink on the way, leads outside the filesystem's root. */
export class FsEscapeError extends FsError {
  constructor(path: string, detail = 'path escapes from the root', cause?: unknown) {
    super('ESCAPE', `${path}: ${detail}`, path, { cause });
  }
}

/** An atomic write went over its `maxSize`. */
export class FsTooLargeError extends FsError {
  constructor(
    path: string,
    readonly maxSize: number,
  ) {
    super('TOO_LARGE', `${path}: the file exceeds the maximum allowed size of ${maxSize} bytes`, path);
  }
}

/** A non-recursive directory removal found entries (ENOTEMPTY). */
export class FsNotEmptyError extends FsError {
  constructor(path: string, cause?: unknown) {
    super('NOT_EMPTY', `${path}: directory not empty`, path, { cause, errno: 'ENOTEMPTY' });
  }
}

/** An operation SFTPGo reports as "operation unsupported" (copying a symlink, a nested move, ...). */
export class FsUnsupportedError extends FsError {
  constructor(path: string, detail: string) {
    super('UNSUPPORTED', `${path}: ${detail}`, path);
  }
}

/** A virtual path with NUL or control characters. */
export class InvalidPathError extends FsError {
  constructor(detail: string) {
    super('INVALID_PATH', `invalid path: ${detail}`);
  }
}

/** A mount whose configuration cannot be used (a local folder without a mapped path, a relative root). */
export class InvalidMountError extends FsError {
  constructor(mountPath: string, detail: string) {
    super('INVALID_MOUNT', `mount ${mountPath}: ${detail}`, mountPath);
  }
}

/** A mount uses a storage provider this build cannot serve yet. */
export class UnsupportedProviderError extends FsError {
  constructor(
    mountPath: string,
    readonly provider: number,
    providerName: string,
  ) {
    super(
      'UNSUPPORTED_PROVIDER',
      `mount ${mountPath}: storage provider ${provider} (${providerName}) is not supported`,
      mountPath,
    );
  }
}

function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Maps an OS error to the typed error for `path` (a provider-relative path); FsErrors pass through. */
export function toFsError(err: unknown, path: string): FsError {
  if (err instanceof FsError) return err;
  const errno = errnoOf(err);
  switch (errno) {
    case 'ENOENT':
      return new FsNotFoundError(path, err);
    case 'EEXIST':
      return new FsExistsError(path, err);
    case 'ENOTDIR':
      return new FsTypeError(path, 'not a directory', err);
    case 'EISDIR':
      return new FsTypeError(path, 'is a directory', err);
    case 'EACCES':
    case 'EPERM':
      return new FsPermissionError(path, 'permission denied', err);
    case 'ENOTEMPTY':
      return new FsNotEmptyError(path, err);
    case 'ELOOP':
      // Our resolver follows links itself, so the OS only reports ELOOP when O_NOFOLLOW met a symlink
      // that appeared after resolution: treat it as the escape attempt it probably is.
      return new FsEscapeError(path, 'unexpected symbolic link', err);
    default:
      return new FsError('IO', `${path}: ${errno ?? 'I/O error'}`, path, { cause: err, errno });
  }
}

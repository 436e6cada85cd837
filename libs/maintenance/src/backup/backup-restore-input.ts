import { ApiError, BadRequestError } from '@app/common';
import { isOsPathWithin } from '@app/storage';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';

/** SFTPGo's `MaxRestoreSize`: the largest backup accepted, as a body or as a file. */
export const MAX_RESTORE_SIZE = 20 * 1024 * 1024;

/** The `scan-quota` and `mode` options of a restore. */
export interface RestoreOptions {
  /** 0 none, 1 every restored user and folder, 2 users with quota restrictions (and every folder). */
  scanQuota: number;
  /** 0 add and update, 1 add only, 2 add and update, then disconnect the updated users. */
  mode: number;
}

/** Go's `strconv.Atoi` on a query value, with its error text. */
function atoi(value: unknown, name: string): number {
  const text = String(Array.isArray(value) ? value[0] : value);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new BadRequestError(
      `invalid ${name}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`,
    );
  }
  return Number(text);
}

/** SFTPGo's `getLoaddataOptions`: absent options are 0; present ones must be integers. */
export function restoreOptions(scanQuota: unknown, mode: unknown): RestoreOptions {
  return {
    scanQuota: scanQuota === undefined ? 0 : atoi(scanQuota, 'scan_quota'),
    mode: mode === undefined ? 0 : atoi(mode, 'mode'),
  };
}

/** 413 as the JSON body parser answers it. */
class BodyTooLargeError extends ApiError {
  constructor() {
    super(413, 'http: request body too large', '');
  }
}

/** Reads a request body of at most {@link MAX_RESTORE_SIZE} bytes (413 beyond, without buffering the rest). */
export async function readRestoreBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESTORE_SIZE) {
      body.resume();
      throw new BodyTooLargeError();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads `input-file`: unlike SFTPGo (any absolute path), a file inside `backupsPath`, named relative
 * to it or absolute; resolved through symlinks before the containment check, so neither `..` nor a
 * symlink can reach outside. Files over {@link MAX_RESTORE_SIZE} are refused.
 */
export async function readRestoreFile(backupsPath: string, input: unknown): Promise<Buffer> {
  const name = typeof input === 'string' ? input : Array.isArray(input) ? String(input[0]) : '';
  const invalid = (why: string) => new BadRequestError(`invalid input_file ${JSON.stringify(name)}: ${why}`);
  if (!name) throw invalid('it is required');
  if (name.includes('\0')) throw invalid('it contains a NUL character');
  let base: string;
  let target: string;
  try {
    base = await realpath(backupsPath);
  } catch {
    throw invalid('the backups directory does not exist');
  }
  try {
    target = await realpath(isAbsolute(name) ? resolve(name) : resolve(base, name));
  } catch {
    throw invalid('no such file');
  }
  if (!isOsPathWithin(base, target)) throw invalid('it must be a file inside the backups directory');
  const file = await open(target, 'r').catch(() => {
    throw invalid('unable to open the file');
  });
  try {
    const info = await file.stat();
    if (!info.isFile()) throw invalid('it is not a regular file');
    if (info.size > MAX_RESTORE_SIZE) {
      throw new BadRequestError(
        `unable to restore input file: ${JSON.stringify(name)} size too big: ${info.size}/${MAX_RESTORE_SIZE} bytes`,
      );
    }
    return await file.readFile();
  } finally {
    await file.close();
  }
}

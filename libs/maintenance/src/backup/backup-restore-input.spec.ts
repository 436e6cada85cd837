import { ApiError } from '@app/common';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MAX_RESTORE_SIZE, readRestoreBody, readRestoreFile, restoreOptions } from './backup-restore-input';

const failure = async (work: () => unknown): Promise<ApiError> => {
  try {
    await work();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

describe('restoreOptions', () => {
  it('defaults absent options to 0 and parses integers as Go Atoi does', () => {
    expect(restoreOptions(undefined, undefined)).toEqual({ scanQuota: 0, mode: 0 });
    expect(restoreOptions('2', '+1')).toEqual({ scanQuota: 2, mode: 1 });
    expect(restoreOptions(['1', '2'], '-3')).toEqual({ scanQuota: 1, mode: -3 });
  });

  it('refuses non-integers with SFTPGo texts', async () => {
    expect((await failure(() => restoreOptions('x', '0'))).error).toBe(
      'invalid scan_quota: strconv.Atoi: parsing "x": invalid syntax',
    );
    expect((await failure(() => restoreOptions('0', ''))).error).toBe(
      'invalid mode: strconv.Atoi: parsing "": invalid syntax',
    );
  });
});

describe('readRestoreBody', () => {
  it('reads up to the limit, 413 beyond', async () => {
    expect((await readRestoreBody(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]))).toString()).toBe(
      '{"a":1}',
    );
    const big = Readable.from([Buffer.alloc(MAX_RESTORE_SIZE), Buffer.alloc(1)]);
    expect((await failure(() => readRestoreBody(big))).status).toBe(413);
  });
});

describe('readRestoreFile', () => {
  let base: string;
  let backups: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'restore-input-'));
    backups = join(base, 'backups');
    mkdirSync(join(backups, 'sub'), { recursive: true });
    writeFileSync(join(backups, 'sub', 'ok.json'), '{}');
    writeFileSync(join(base, 'outside.json'), '{"evil":1}');
    symlinkSync(join(base, 'outside.json'), join(backups, 'link.json'));
    symlinkSync(join(backups, 'sub', 'ok.json'), join(backups, 'inner-link.json'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('reads files inside the backups directory, relative or absolute, through inner symlinks', async () => {
    expect((await readRestoreFile(backups, 'sub/ok.json')).toString()).toBe('{}');
    expect((await readRestoreFile(backups, join(backups, 'sub', 'ok.json'))).toString()).toBe('{}');
    expect((await readRestoreFile(backups, 'inner-link.json')).toString()).toBe('{}');
  });

  it.each(['', '../outside.json', 'sub/../../outside.json', 'link.json', 'missing.json', 'sub', 'a\0b'])(
    'refuses %j with 400 invalid input_file',
    async (name) => {
      const error = await failure(() => readRestoreFile(backups, name));
      expect(error.status).toBe(400);
      expect(error.error).toMatch(/^invalid input_file /);
    },
  );

  it('refuses an absolute path outside', async () => {
    const error = await failure(() => readRestoreFile(backups, join(base, 'outside.json')));
    expect(error.error).toContain('inside the backups directory');
  });
});

import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLOUD_FILE_MODE,
  isDirMode,
  isRegularMode,
  isSymlinkMode,
  MODE_DIR,
  MODE_SETGID,
  MODE_STICKY,
  MODE_SYMLINK,
  modeFromStats,
  permBits,
  VIRTUAL_DIR_MODE,
} from './mode';

describe('Go FileMode helpers', () => {
  it('matches the values SFTPGo puts on the wire', () => {
    expect(MODE_DIR).toBe(2147483648);
    expect(MODE_SYMLINK).toBe(134217728);
    expect(VIRTUAL_DIR_MODE).toBe(2147484141);
    expect(CLOUD_FILE_MODE).toBe(420);
  });

  it('converts Unix st_mode values', () => {
    expect(modeFromStats({ mode: 0o100644 })).toBe(420);
    expect(modeFromStats({ mode: 0o040755 })).toBe(2147484141);
    expect(modeFromStats({ mode: 0o120777 })).toBe(MODE_SYMLINK + 0o777);
    expect(modeFromStats({ mode: 0o041777 })).toBe(MODE_DIR + MODE_STICKY + 0o777);
    expect(modeFromStats({ mode: 0o102755 })).toBe(MODE_SETGID + 0o755);
  });

  it('tests the type bits without 32-bit overflow', () => {
    expect(isDirMode(VIRTUAL_DIR_MODE)).toBe(true);
    expect(isDirMode(420)).toBe(false);
    expect(isSymlinkMode(MODE_SYMLINK + 0o777)).toBe(true);
    expect(isSymlinkMode(VIRTUAL_DIR_MODE)).toBe(false);
    expect(isRegularMode(420)).toBe(true);
    expect(isRegularMode(MODE_SETGID + 0o755)).toBe(true);
    expect(isRegularMode(VIRTUAL_DIR_MODE)).toBe(false);
    expect(isRegularMode(MODE_SYMLINK + 0o777)).toBe(false);
    expect(permBits(VIRTUAL_DIR_MODE)).toBe(0o755);
  });

  it('reads real stats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftpgo-mode-'));
    try {
      mkdirSync(join(dir, 'd'), { mode: 0o750 });
      chmodSync(join(dir, 'd'), 0o750);
      writeFileSync(join(dir, 'f'), 'x');
      chmodSync(join(dir, 'f'), 0o600);
      symlinkSync('f', join(dir, 'l'));
      expect(modeFromStats(lstatSync(join(dir, 'd')))).toBe(MODE_DIR + 0o750);
      expect(modeFromStats(lstatSync(join(dir, 'f')))).toBe(0o600);
      expect(isSymlinkMode(modeFromStats(lstatSync(join(dir, 'l'))))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

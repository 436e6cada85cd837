/**
 * SFTPGo's `DirEntry.mode` is Go's `os.FileMode` as an integer: the low 9 bits are the Unix permissions
 * and the type lives in the high bits (not in Unix `S_IFMT`). Values above 2^31 do not fit JS bitwise
 * operators (signed 32-bit), so these helpers use arithmetic.
 */
import type { Stats } from 'node:fs';

/** Go `os.ModeDir` (1<<31). */
export const MODE_DIR = 2 ** 31;
/** Go `os.ModeSymlink` (1<<27). */
export const MODE_SYMLINK = 2 ** 27;
/** Go `os.ModeDevice` (1<<26). */
export const MODE_DEVICE = 2 ** 26;
/** Go `os.ModeNamedPipe` (1<<25). */
export const MODE_NAMED_PIPE = 2 ** 25;
/** Go `os.ModeSocket` (1<<24). */
export const MODE_SOCKET = 2 ** 24;
/** Go `os.ModeSetuid` (1<<23). */
export const MODE_SETUID = 2 ** 23;
/** Go `os.ModeSetgid` (1<<22). */
export const MODE_SETGID = 2 ** 22;
/** Go `os.ModeCharDevice` (1<<21), always together with `MODE_DEVICE`. */
export const MODE_CHAR_DEVICE = 2 ** 21;
/** Go `os.ModeSticky` (1<<20). */
export const MODE_STICKY = 2 ** 20;
/** Go `os.ModePerm` (0777). */
export const MODE_PERM = 0o777;

/** The mode SFTPGo gives synthetic entries (virtual folder mounts, intermediate dirs): dir 0755. */
export const VIRTUAL_DIR_MODE = MODE_DIR + 0o755;
/** What cloud providers report for files (0644). */
export const CLOUD_FILE_MODE = 0o644;

/** Go's `os.FileMode` for Node stats, as Go's `fillFileStatFromSys` builds it from `st_mode`. */
export function modeFromStats(stats: Pick<Stats, 'mode'>): number {
  const unix = stats.mode;
  let mode = unix & MODE_PERM;
  switch (unix & 0o170000) {
    case 0o060000: // S_IFBLK
      mode += MODE_DEVICE;
      break;
    case 0o020000: // S_IFCHR
      mode += MODE_DEVICE + MODE_CHAR_DEVICE;
      break;
    case 0o040000: // S_IFDIR
      mode += MODE_DIR;
      break;
    case 0o010000: // S_IFIFO
      mode += MODE_NAMED_PIPE;
      break;
    case 0o120000: // S_IFLNK
      mode += MODE_SYMLINK;
      break;
    case 0o140000: // S_IFSOCK
      mode += MODE_SOCKET;
      break;
    default:
      break;
  }
  if (unix & 0o4000) mode += MODE_SETUID;
  if (unix & 0o2000) mode += MODE_SETGID;
  if (unix & 0o1000) mode += MODE_STICKY;
  return mode;
}

/** True when a Go-style mode has `bit` (one of the `MODE_*` type bits) set. */
export function hasModeBit(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

/** True for a directory mode. */
export function isDirMode(mode: number): boolean {
  return hasModeBit(mode, MODE_DIR);
}

/** True for a symlink mode. */
export function isSymlinkMode(mode: number): boolean {
  return hasModeBit(mode, MODE_SYMLINK);
}

/** True for a regular file: none of Go's `ModeType` bits (dir, symlink, pipe, socket, device, irregular). */
export function isRegularMode(mode: number): boolean {
  return [MODE_DIR, MODE_SYMLINK, MODE_DEVICE, MODE_NAMED_PIPE, MODE_SOCKET, 2 ** 19].every(
    (bit) => !hasModeBit(mode, bit),
  );
}

/** The permission bits (0777) of a Go-style mode. */
export function permBits(mode: number): number {
  return mode % 512;
}

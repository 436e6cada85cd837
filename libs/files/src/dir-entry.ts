import { type FileInfo, isRegularMode, VIRTUAL_DIR_MODE } from '@app/storage';

/** The wire form of a listing entry (Go marshals SFTPGo's map with sorted keys). */
export interface DirEntryWire {
  last_modified: string;
  mode: number;
  name: string;
  size?: number;
}

let lastSecond = NaN;
let lastText = '';

/** Go's `time.RFC3339` of a UTC time: second precision, `Z` (entries of a listing often share one). */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastText;
}

/**
 * A storage entry as SFTPGo lists it (`size` only for regular files), as JSON text written directly
 * for a listing's hot loop, keys in Go's sorted order as {@link DirEntryWire}.
 */
export function dirEntryJson(info: FileInfo): string {
  const head = `{"last_modified":"${rfc3339(info.mtime)}","mode":${info.mode},"name":${JSON.stringify(info.name)}`;
  return isRegularMode(info.mode) ? `${head},"size":${info.size}}` : `${head}}`;
}

/** The synthetic directory SFTPGo shows for a virtual folder (or a directory leading to one). */
export function virtualDirEntry(name: string): DirEntryWire {
  return { last_modified: rfc3339(0), mode: VIRTUAL_DIR_MODE, name };
}

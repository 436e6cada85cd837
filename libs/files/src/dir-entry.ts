import { type FileInfo, isRegularMode, VIRTUAL_DIR_MODE } from '@app/storage';

/** The wire form of a listing entry (Go marshals SFTPGo's map with sorted keys). */
export interface DirEntryWire {
  last_modified: string;
  mode: number;
  name: string;
  size?: number;
}

/** Go's `time.RFC3339` of a UTC time: second precision, `Z`. */
export function rfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A storage entry as SFTPGo lists it: `size` only for regular files. */
export function toDirEntry(info: FileInfo): DirEntryWire {
  const entry: DirEntryWire = { last_modified: rfc3339(info.mtime), mode: info.mode, name: info.name };
  if (isRegularMode(info.mode)) entry.size = info.size;
  return entry;
}

/** The synthetic directory SFTPGo shows for a virtual folder (or a directory leading to one). */
export function virtualDirEntry(name: string): DirEntryWire {
  return { last_modified: rfc3339(0), mode: VIRTUAL_DIR_MODE, name };
}

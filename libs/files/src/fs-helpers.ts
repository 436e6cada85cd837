import { type FileInfo, type Filesystem, FsNotFoundError } from '@app/storage';

/** The entry at `path` without following a final symlink, or undefined when there is none. */
export async function lstatOrUndefined(fs: Filesystem, path: string): Promise<FileInfo | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if (err instanceof FsNotFoundError) return undefined;
    throw err;
  }
}

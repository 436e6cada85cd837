import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Regular files and their total size under `dir` on disk (symlinks are not counted). */
export function diskUsage(dir: string): { files: number; bytes: number } {
  const total = { files: 0, bytes: 0 };
  if (!existsSync(dir)) return total;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = diskUsage(path);
      total.files += sub.files;
      total.bytes += sub.bytes;
    } else if (entry.isFile()) {
      total.files += 1;
      total.bytes += statSync(path).size;
    }
  }
  return total;
}

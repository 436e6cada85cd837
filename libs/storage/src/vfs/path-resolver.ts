/**
 * The one path resolver of the file API: canonicalise first (canonical-path.ts), then route to the
 * mount (home or virtual folder) that owns the path, and only then let callers check permissions on
 * the canonical virtual path. Routing and permission checks therefore always see the same path
 * (the bug behind CVE-2026-30914 was the two disagreeing).
 */
import { isAbsolute, join } from 'node:path';
import { posix } from 'node:path';
import type { FilesystemConfig } from '../filesystem-config.types';
import { FsProvider } from '../filesystem-config.types';
import { canonicalizeVirtualPath, isVirtualPathWithin, pathComponents } from './canonical-path';
import type { Filesystem } from './filesystem';
import { InvalidMountError, UnsupportedProviderError } from './fs-errors';
import { LocalFilesystem } from './local-filesystem';

export { canonicalizeVirtualPath, isVirtualPathWithin } from './canonical-path';

/** A virtual folder mount as storage needs it (`EffectiveVirtualFolder` satisfies it). */
export interface StorageVirtualFolder {
  name: string;
  mappedPath: string | null;
  filesystem: FilesystemConfig;
  virtualPath: string;
  subpath: string | null;
}

/** The user fields storage needs (`EffectiveUser` satisfies it). */
export interface StorageUser {
  username: string;
  homeDir: string;
  filesystem: FilesystemConfig;
  virtualFolders: StorageVirtualFolder[];
}

/** Everything needed to build one mount's filesystem. */
export interface MountSpec {
  /** Canonical virtual path where the mount appears (`/` for the home). */
  virtualPath: string;
  /** The virtual folder's name; absent for the user's home. */
  folderName?: string;
  filesystem: FilesystemConfig;
  /** Home dir or folder mapped path (the local root); may be null for non-local folders. */
  root: string | null;
  subpath: string | null;
}

/** Builds the filesystem of a mount; throws `UnsupportedProviderError`/`InvalidMountError` when it cannot. */
export type FilesystemFactory = (mount: MountSpec) => Filesystem;

/** Which mount a path was routed to. */
export interface MountRef {
  virtualPath: string;
  folderName?: string;
}

/** A canonical virtual path routed to its mount. */
export interface ResolvedPath {
  /** The canonical virtual path: what permissions and patterns must be checked against. */
  virtualPath: string;
  mount: MountRef;
  fs: Filesystem;
  /** The path inside the mount's filesystem (`/` for the mount point itself). */
  fsPath: string;
}

/** A directory entry a listing shows because of mounts: a folder itself, or a directory leading to one. */
export interface VirtualDirEntry {
  name: string;
  virtualPath: string;
  /** Set when the entry is the mount point of this folder; absent for an intermediate directory. */
  folderName?: string;
}

/** The local root of a local or encrypted mount: the home or mapped path, re-rooted at the subpath. */
export function localMountRoot(mount: MountSpec): string {
  if (!mount.root || !isAbsolute(mount.root)) {
    throw new InvalidMountError(mount.virtualPath, 'a local mount needs an absolute directory');
  }
  // The subpath re-roots the mount below the mapped path; cleaning clamps it there.
  return mount.subpath ? join(mount.root, canonicalizeVirtualPath(mount.subpath)) : mount.root;
}

/** Local disk only (provider 0): the default of `UserVfs` in unit tests; the app uses `UserVfsFactory`. */
export function defaultFilesystemFactory(mount: MountSpec): Filesystem {
  const provider = mount.filesystem.provider;
  if (provider !== FsProvider.Local) {
    throw new UnsupportedProviderError(mount.virtualPath, provider, FsProvider[provider] ?? 'unknown');
  }
  return new LocalFilesystem(localMountRoot(mount));
}

interface Mount {
  spec: MountSpec;
  depth: number;
}

/**
 * A user's virtual filesystem: the home at `/` plus each virtual folder at its virtual path. Built per
 * request from the effective user; the filesystems are created on first use and cached here.
 */
export class UserVfs {
  readonly username: string;
  private readonly mounts: Mount[];
  private readonly cache = new Map<string, Filesystem>();

  constructor(
    user: StorageUser,
    private readonly factory: FilesystemFactory = defaultFilesystemFactory,
  ) {
    this.username = user.username;
    const byPath = new Map<string, Mount>();
    for (const folder of user.virtualFolders) {
      let virtualPath: string;
      try {
        virtualPath = canonicalizeVirtualPath(folder.virtualPath);
      } catch {
        continue; // a path with control characters could never be requested anyway
      }
      if (byPath.has(virtualPath)) continue; // first mount wins, as in the group merge
      byPath.set(virtualPath, {
        spec: {
          virtualPath,
          folderName: folder.name,
          filesystem: folder.filesystem,
          root: folder.mappedPath,
          subpath: folder.subpath,
        },
        depth: pathComponents(virtualPath).length,
      });
    }
    // A folder mounted at `/` (possible through a primary group) replaces the home.
    if (!byPath.has('/')) {
      byPath.set('/', {
        spec: { virtualPath: '/', filesystem: user.filesystem, root: user.homeDir, subpath: null },
        depth: 0,
      });
    }
    this.mounts = [...byPath.values()].sort((a, b) => b.depth - a.depth);
  }

  /** Every mount, deepest first (the home or the folder at `/` last). */
  listMounts(): MountRef[] {
    return this.mounts.map((m) => toRef(m.spec));
  }

  /** Canonicalises `virtualPath` and routes it to the deepest mount containing it (boundary-aware). */
  resolve(virtualPath: string): ResolvedPath {
    const canonical = canonicalizeVirtualPath(virtualPath);
    const mount = this.mountFor(canonical);
    const rest = pathComponents(canonical).slice(mount.depth);
    return {
      virtualPath: canonical,
      mount: toRef(mount.spec),
      fs: this.filesystemOf(mount),
      fsPath: `/${rest.join('/')}`,
    };
  }

  /** The virtual folder mounted exactly at `virtualPath`, if any (never the home). */
  mountAt(virtualPath: string): MountRef | undefined {
    const canonical = canonicalizeVirtualPath(virtualPath);
    const mount = this.mounts.find(
      (m) => m.spec.virtualPath === canonical && m.spec.folderName !== undefined,
    );
    return mount ? toRef(mount.spec) : undefined;
  }

  /** True when a virtual folder is mounted strictly below `virtualPath` (removing/renaming it is refused). */
  hasMountsInside(virtualPath: string): boolean {
    const canonical = canonicalizeVirtualPath(virtualPath);
    return this.mounts.some(
      (m) => m.spec.virtualPath !== canonical && isVirtualPathWithin(canonical, m.spec.virtualPath),
    );
  }

  /**
   * The entries mounts add to a listing of `dirVirtualPath`: each folder mounted directly in it, and
   * the first directory on the way to deeper mounts (SFTPGo's `GetVirtualFoldersInPath`). They show
   * even when the directory does not exist on the parent's storage.
   */
  mountsUnder(dirVirtualPath: string): VirtualDirEntry[] {
    const dir = canonicalizeVirtualPath(dirVirtualPath);
    const dirDepth = pathComponents(dir).length;
    const entries = new Map<string, VirtualDirEntry>();
    for (const { spec } of this.mounts) {
      if (spec.virtualPath === dir || !isVirtualPathWithin(dir, spec.virtualPath)) continue;
      const rest = pathComponents(spec.virtualPath).slice(dirDepth);
      const name = rest[0];
      const direct = rest.length === 1;
      const previous = entries.get(name);
      if (previous?.folderName !== undefined || (previous && !direct)) continue;
      entries.set(name, {
        name,
        virtualPath: posix.join(dir, name),
        ...(direct ? { folderName: spec.folderName } : {}),
      });
    }
    return [...entries.values()];
  }

  private mountFor(canonical: string): Mount {
    // Sorted deepest first, so the first containing mount is the most specific one.
    const mount = this.mounts.find((m) => isVirtualPathWithin(m.spec.virtualPath, canonical));
    if (!mount) throw new InvalidMountError(canonical, 'no mount for this path'); // `/` always matches
    return mount;
  }

  private filesystemOf(mount: Mount): Filesystem {
    const key = mount.spec.virtualPath;
    let fs = this.cache.get(key);
    if (!fs) {
      fs = this.factory(mount.spec);
      this.cache.set(key, fs);
    }
    return fs;
  }
}

function toRef(spec: MountSpec): MountRef {
  return spec.folderName === undefined
    ? { virtualPath: spec.virtualPath }
    : { virtualPath: spec.virtualPath, folderName: spec.folderName };
}

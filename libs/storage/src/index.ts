export * from './filesystem-config.types';
/** `FilesystemConfigService` (validation, secrets sealed at rest) and `filesystemToWire`, the one wire form. */
export * from './filesystem-config.service';
export * from './filesystem-config.dto';
export * from './storage.module';
/** Typed storage errors (`FsError` and subclasses, `toFsError`); no HTTP mapping here. */
export * from './vfs/fs-errors';
/** The provider-neutral `Filesystem` interface, `FileInfo` and `AtomicWrite`. */
export * from './vfs/filesystem';
/** Go `os.FileMode` bits for `DirEntry.mode` (`modeFromStats`, `MODE_DIR`, `VIRTUAL_DIR_MODE`, ...). */
export * from './vfs/mode';
/** `LocalFilesystem`: local disk confined to a root, symlinks never leading outside. */
export * from './vfs/local-filesystem';
/** `copyTree`: streamed file/tree copy between any two filesystems. */
export * from './vfs/copy';
/** The one path resolver: `canonicalizeVirtualPath`, `UserVfs` (mount routing), `StorageUser`. */
export * from './vfs/path-resolver';
/** `UserVfsFactory`: injectable builder of a user's `UserVfs`. */
export * from './vfs/user-vfs.factory';
/** `S3Filesystem`: S3-compatible object storage (directories emulated as SFTPGo does). */
export * from './vfs/s3/s3-filesystem';
/** `S3Settings` and `s3ClientFor`, the shared S3 clients (cached by connection settings). */
export * from './vfs/s3/s3-client';
/** `CryptFilesystem`: local disk with every file encrypted in authenticated chunks. */
export * from './vfs/crypt/crypt-filesystem';

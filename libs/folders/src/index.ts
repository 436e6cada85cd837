/** The folder entity (`folders` table). */
export * from './entities/folder.entity';
/** Columns shared by the user and group folder mounts. */
export * from './entities/folder-mount.base';
/** The /folders module; exports FoldersService. */
export * from './folders.module';
/** Folder CRUD and `resolveVirtualFolders` for users' and groups' mounts. */
export * from './folders.service';
/** Wire JSON of folders and mounts: `folderToWire`, `virtualFolderToWire`. */
export * from './folders.mapper';
/** Back-reference shape of folders. */
export type { FolderReferences } from './folders.repository';
/** Pure validation of `virtual_folders` and virtual path cleaning. */
export * from './virtual-folders';
/** OpenAPI `BaseVirtualFolder` and `VirtualFolder` DTOs. */
export * from './dto/folder.dto';

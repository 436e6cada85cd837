/** `FilesModule`: the `/user/dirs`, `/user/files` and `/user/files/upload` endpoints. */
export * from './files.module';
/** `FilesService`: the user file operations, principal first. */
export { FilesService, type FileResponse, type MessageResponse } from './files.service';
/** The mapping of storage errors to the file API's statuses and texts. */
export { filesApiError } from './files-errors';
/** SFTPGo's `DirEntry` schema. */
export { DirEntryDto } from './dto/dir-entry.dto';

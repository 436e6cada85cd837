/** `FilesModule`: the `/user/dirs`, `/user/files` and `/user/files/upload` endpoints. */
export * from './files.module';
/** `FilesService`: the user file operations, principal first. */
export {
  FilesService,
  type FileResponse,
  type MessageResponse,
  type QueryValue,
  type UserContext,
} from './files.service';
/** `FileActionsService`: multipart upload, metadata, copy/move and streamzip (ctx-based entry points too). */
export { FileActionsService } from './file-actions.service';
/** The mapping of storage errors to the file API's statuses and texts. */
export { filesApiError } from './files-errors';
/** SFTPGo's `DirEntry` schema. */
export { DirEntryDto } from './dto/dir-entry.dto';
/** Disk and transfer quota accounting of the file API (`QuotaService`, `UploadQuota`, `DownloadQuota`). */
export { QuotaService, UploadQuota, DownloadQuota, ERR_READ_QUOTA } from './quota.service';
/** Regular files and bytes under a path (`usageOf`, streamed walk), for quota scans. */
export { usageOf, type Usage } from './quota.service';
/** The quota counters in the database (conditional SQL updates). */
export { QuotaRepository, type CounterRef } from './quota.repository';
/** The one registry of active transfers (`max_sessions`; the future connections API reads it). */
export * from './transfer-registry';
/** Which counter a mount charges, and transfer limits (pure). */
export * from './quota-target';
/** The REST connections in progress (the connections API reads and closes them). */
export * from './connection-registry';
/** `@TrackConnections()`: the requests of a controller are connections while they run. */
export { ConnectionInterceptor, TrackConnections } from './connection.interceptor';

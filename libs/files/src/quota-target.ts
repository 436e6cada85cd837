/**
 * Which quota counter a path is charged to, and the transfer (bandwidth) limits of a user: pure
 * decisions, no I/O. SFTPGo rules: the home counts on the user; a virtual folder mounted with
 * `quota_size`/`quota_files` = -1 counts on the user too; any other mount counts on the folder's own
 * (global, shared by every user mounting it) counter, checked against the mount's limits (0 unlimited).
 */
import { canonicalizeVirtualPath, type MountRef } from '@app/storage';
import type { EffectiveUser } from '@app/users';

/** Disk quota limits (0 = unlimited). */
export interface DiskLimits {
  /** Bytes. */
  quotaSize: number;
  quotaFiles: number;
}

/** The counter a write, delete or move is charged to. */
export type QuotaCounter =
  | {
      kind: 'user';
      /** `users.id`. */
      id: number;
      /** Equal keys = the same counter (a move between them changes nothing). */
      key: string;
      limits: DiskLimits;
      /** Per `data_provider.track_quota` (see {@link quotaCounterFor}). */
      tracked: boolean;
    }
  | { kind: 'folder'; id: number; name: string; key: string; limits: DiskLimits; tracked: boolean };

/** The user fields the decision reads. */
export type QuotaUser = Pick<EffectiveUser, 'id' | 'quotaSize' | 'quotaFiles' | 'virtualFolders'>;

/** True when either limit is set. */
export function hasDiskLimits(limits: DiskLimits): boolean {
  return limits.quotaSize > 0 || limits.quotaFiles > 0;
}

/** A mount included in the user's quota (SFTPGo: both -1; one -1 is refused on save, treated alike). */
export function countsOnUser(folder: { quotaSize: number; quotaFiles: number }): boolean {
  return folder.quotaSize === -1 || folder.quotaFiles === -1;
}

function sameMountPath(a: string, b: string): boolean {
  try {
    return canonicalizeVirtualPath(a) === b;
  } catch {
    return false;
  }
}

/** The counter of the user's own quota, tracked per `track` (`data_provider.track_quota`). */
export function userCounter(user: QuotaUser, track: number): QuotaCounter {
  const limits = { quotaSize: Math.max(0, user.quotaSize), quotaFiles: Math.max(0, user.quotaFiles) };
  const tracked = track === 1 || (track === 2 && hasDiskLimits(limits));
  return { kind: 'user', id: user.id, key: `user:${user.id}`, limits, tracked };
}

/**
 * The counter a path routed to `mount` is charged to. `track` is SFTPGo's `data_provider.track_quota`:
 * 0 nothing is tracked (nor checked), 1 users always, 2 (default) users only with quota restrictions;
 * folders are tracked unless 0.
 */
export function quotaCounterFor(user: QuotaUser, mount: MountRef, track: number): QuotaCounter {
  if (mount.folderName === undefined) return userCounter(user, track);
  // The first folder at that path wins, as in the storage routing.
  const folder = user.virtualFolders.find((f) => sameMountPath(f.virtualPath, mount.virtualPath));
  if (!folder || countsOnUser(folder)) return userCounter(user, track);
  return {
    kind: 'folder',
    id: folder.id,
    name: folder.name,
    key: `folder:${folder.id}`,
    limits: { quotaSize: Math.max(0, folder.quotaSize), quotaFiles: Math.max(0, folder.quotaFiles) },
    tracked: track !== 0,
  };
}

/** Transfer limits in bytes (0 = unlimited); a total limit supersedes the per-direction ones. */
export interface TransferLimits {
  upload: number;
  download: number;
  total: number;
}

/** Bytes per MB in SFTPGo's transfer limits. */
export const MB = 1_048_576;

/** The user's transfer limits in bytes (`*_data_transfer` are MB). */
export function transferLimitsOf(
  user: Pick<EffectiveUser, 'uploadDataTransfer' | 'downloadDataTransfer' | 'totalDataTransfer'>,
): TransferLimits {
  const bytes = (mb: number) => (Number.isFinite(mb) && mb > 0 ? mb * MB : 0);
  const total = bytes(user.totalDataTransfer);
  if (total > 0) return { upload: 0, download: 0, total };
  return { upload: bytes(user.uploadDataTransfer), download: bytes(user.downloadDataTransfer), total: 0 };
}

/** True when any transfer limit is set (only then are transfers tracked, as SFTPGo's default). */
export function hasTransferLimits(limits: TransferLimits): boolean {
  return limits.upload > 0 || limits.download > 0 || limits.total > 0;
}

/** Used transfer bytes. */
export interface TransferUsage {
  upload: number;
  download: number;
}

/** Bytes still allowed in `direction` (Infinity when unlimited; may be <= 0 when exhausted). */
export function remainingTransfer(
  limits: TransferLimits,
  usage: TransferUsage,
  direction: 'upload' | 'download',
): number {
  if (limits.total > 0) return limits.total - usage.upload - usage.download;
  const limit = direction === 'upload' ? limits.upload : limits.download;
  if (limit <= 0) return Infinity;
  return limit - (direction === 'upload' ? usage.upload : usage.download);
}

import { NotFoundError, nowMs, type RestoreOutcome, ValidationError } from '@app/common';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IpListEntryEntity } from '../entities/ip-list-entry.entity';
import { IpListMatcher, IpListMode, IpListProtocol, IpListType } from '../security.types';
import type { IpListEntryDto } from './dto/ip-list-entry.dto';
import { normalizeIpOrNet } from './ip-address';
import { IpListTable } from './ip-list-table';
import { type IpListPage, IpListsRepository, type IpListSyncRow, ipListSummary } from './ip-lists.repository';
import { listTypeProblem } from './ip-lists.pipes';
import { type IpListEntryWire, ipListEntryToWire } from './ip-lists.mapper';

/** How often writes made by other instances sharing the database are picked up. */
const SYNC_INTERVAL_MS = 3000;
/** Rows updated this long before the latest one known are read again (clocks of instances differ). */
const SYNC_OVERLAP_MS = 60_000;
const ALL_PROTOCOLS = IpListProtocol.SSH | IpListProtocol.FTP | IpListProtocol.DAV | IpListProtocol.HTTP;
const LIST_TYPES = [IpListType.AllowList, IpListType.Defender, IpListType.RateLimiterSafeList];

/** The validated fields of an entry (SFTPGo's `IPListEntry.validate`). */
interface ValidEntry {
  type: IpListType;
  ipornet: string;
  mode: IpListMode;
  protocols: number;
  description: string | null;
  ipType: number;
  first: string;
  last: string;
}

function syncRow(entry: ValidEntry, id: number, updatedAt: number): IpListSyncRow {
  const { ipornet, mode, protocols, ipType, first } = entry;
  return { id, ipornet, mode, protocols, ipType, first, updatedAt };
}

/**
 * IP lists: the `/iplists` endpoints and the matching used by the security gate, the defender and the
 * rate limiters. Every list is held in memory (lookups never touch the database); this instance's
 * writes apply at once, other instances' within {@link SYNC_INTERVAL_MS}: a summary per type is
 * compared with the database's; when it moved, the rows updated lately are read, and the whole list
 * only when that does not account for the change (deletes).
 */
@Injectable()
export class IpListsService implements IpListMatcher, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IpListsService.name);
  private readonly lists = new Map<IpListType, SyncedList>(
    LIST_TYPES.map((type) => [type, new SyncedList()]),
  );
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;

  constructor(private readonly repo: IpListsRepository) {}

  async onModuleInit(): Promise<void> {
    await this.sync(true);
    this.timer = setInterval(() => void this.sync(false), SYNC_INTERVAL_MS).unref();
  }

  /** Catches up with the database now rather than at the next periodic sync (e.g. after a restore). */
  async refresh(): Promise<void> {
    // A run already going may have read the summaries before the caller's change: wait, then run again.
    await this.syncing;
    await this.sync(false);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** {@inheritDoc IpListMatcher.modeFor} */
  modeFor(type: IpListType, ip: string, protocol: number = IpListProtocol.HTTP): IpListMode | undefined {
    return this.lists.get(type)?.table.match(ip, protocol) as IpListMode | undefined;
  }

  /** `GET /iplists/{type}`: one page ordered by `ipornet`. */
  async list(type: IpListType, page: IpListPage): Promise<IpListEntryWire[]> {
    // SFTPGo would send the whole list for limit=0; as the other list endpoints here, nothing.
    if (page.limit <= 0) return [];
    return (await this.repo.list(type, page)).map(ipListEntryToWire);
  }

  /** `GET /iplists/{type}/{ipornet}` (the key as stored: `10.0.0.1/32`, not `10.0.0.1`). */
  async get(type: IpListType, ipornet: string): Promise<IpListEntryWire> {
    return ipListEntryToWire(await this.require(type, ipornet));
  }

  /** `POST /iplists/{type}`: the body's `type` is used (SFTPGo ignores the path's); 409 when present. */
  async add(body: IpListEntryDto): Promise<{ type: IpListType; ipornet: string }> {
    const entry = this.validate(body.type ?? 0, body.ipornet ?? '', body);
    const now = nowMs();
    const { id } = await this.repo.insert({ ...entry, createdAt: now, updatedAt: now });
    this.listOf(entry.type).put(syncRow(entry, id, now));
    return { type: entry.type, ipornet: entry.ipornet };
  }

  /** `PUT /iplists/{type}/{ipornet}`: description, mode and protocols; type and network from the path. */
  async update(type: IpListType, ipornet: string, body: IpListEntryDto): Promise<{ message: string }> {
    const existing = await this.require(type, ipornet);
    const entry = this.validate(type, existing.ipornet, body);
    // Strictly later than before, so that other instances see the change in their summary.
    const updatedAt = Math.max(nowMs(), existing.updatedAt + 1);
    await this.repo.update(existing.id, {
      mode: entry.mode,
      protocols: entry.protocols,
      description: entry.description,
      updatedAt,
    });
    this.listOf(type).put(syncRow(entry, existing.id, updatedAt));
    return { message: 'Entry updated' };
  }

  /**
   * An entry from a backup, in the restore's transaction `em`, checked as POST is: added, or (unless
   * `skipExisting`) its mode, protocols and description updated. The lists in memory catch up on
   * {@link refresh}, to be called once the transaction is committed.
   */
  async restore(body: IpListEntryDto, skipExisting: boolean, em: EntityManager): Promise<RestoreOutcome> {
    const entry = this.validate(body.type ?? 0, body.ipornet ?? '', body);
    const existing = await this.repo.find(entry.type, entry.ipornet, em);
    if (existing && skipExisting) return 'skip';
    const now = nowMs();
    if (existing) {
      const { mode, protocols, description } = entry;
      const updatedAt = Math.max(now, existing.updatedAt + 1);
      await this.repo.update(existing.id, { mode, protocols, description, updatedAt }, em);
      return 'update';
    }
    await this.repo.insert({ ...entry, createdAt: now, updatedAt: now }, em);
    return 'add';
  }

  /** `DELETE /iplists/{type}/{ipornet}`. */
  async delete(type: IpListType, ipornet: string): Promise<{ message: string }> {
    if (!(await this.repo.delete(type, ipornet))) throw new NotFoundError();
    this.listOf(type).delete(ipornet);
    return { message: 'Entry deleted' };
  }

  private async require(type: IpListType, ipornet: string): Promise<IpListEntryEntity> {
    const entry = await this.repo.find(type, ipornet);
    if (!entry) throw new NotFoundError();
    return entry;
  }

  /** SFTPGo's validation order: type, protocols (all four bits become 0), mode, then the network. */
  private validate(type: number, ipornet: string, body: IpListEntryDto): ValidEntry {
    const typeProblem = listTypeProblem(type);
    if (typeProblem) throw new ValidationError(typeProblem);
    let protocols = body.protocols ?? 0;
    // Stricter than SFTPGo, which stores any number: other bits name no protocol and match nothing.
    if (protocols < 0 || protocols > ALL_PROTOCOLS)
      throw new ValidationError(`invalid protocols: ${protocols}`);
    if (protocols === ALL_PROTOCOLS) protocols = 0;
    const mode = body.mode ?? 0;
    if (type === IpListType.Defender) {
      if (mode !== IpListMode.Allow && mode !== IpListMode.Deny)
        throw new ValidationError(`invalid list mode: ${mode}`);
    } else if (mode !== IpListMode.Allow) {
      throw new ValidationError('invalid list mode');
    }
    const network = normalizeIpOrNet(ipornet);
    if ('error' in network) throw new ValidationError(network.error);
    return {
      type: type as IpListType,
      ipornet: network.ipornet,
      mode: mode as IpListMode,
      protocols,
      description: body.description || null,
      ipType: network.ipType,
      first: network.first,
      last: network.last,
    };
  }

  private listOf(type: IpListType): SyncedList {
    return this.lists.get(type) as SyncedList;
  }

  /** Brings the lists whose summary differs from the database's up to date (all of them at start); one run at a time. */
  private sync(initial: boolean): Promise<void> {
    this.syncing ??= this.syncChanged(initial)
      .catch((error: unknown) => {
        if (initial) throw error;
        this.logger.warn(
          `unable to reload the IP lists: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  private async syncChanged(initial: boolean): Promise<void> {
    const summaries = await this.repo.summaries();
    for (const type of LIST_TYPES) {
      const list = this.listOf(type);
      const summary = summaries.get(type) ?? ipListSummary([]);
      if (!initial && list.summary() === summary) continue;
      // First the rows updated lately (adds and updates, the common case), then, if the summaries
      // still differ (deletes, late commits), the whole list. A load that raced with a local write is
      // dropped: the next run retries.
      if (!initial && list.size > 0) {
        const writes = list.writes;
        const rows = await this.repo.syncRows(type, list.latestUpdate() - SYNC_OVERLAP_MS);
        if (!list.merge(rows, writes) || list.summary() === summary) continue;
      }
      const writes = list.writes;
      list.replace(await this.repo.syncRows(type), writes);
    }
  }
}

/**
 * One list in memory: the matching table plus, per entry, the id and `updated_at` that make its
 * summary, so that a sync can tell whether anything changed without reading the rows.
 */
class SyncedList {
  table = new IpListTable();
  private rows = new Map<string, IpListSyncRow>();
  /** Bumped by each local write, so that a load that raced with one is discarded. */
  writes = 0;

  get size(): number {
    return this.rows.size;
  }

  summary(): string {
    return ipListSummary(this.rows.values());
  }

  latestUpdate(): number {
    let latest = 0;
    for (const row of this.rows.values()) latest = Math.max(latest, row.updatedAt);
    return latest;
  }

  /** A committed local write. */
  put(row: IpListSyncRow): void {
    this.writes += 1;
    this.rows.set(row.ipornet, row);
    this.table.put(row);
  }

  /** A committed local delete. */
  delete(ipornet: string): void {
    this.writes += 1;
    this.rows.delete(ipornet);
    this.table.delete(ipornet);
  }

  /** Applies rows read from the database, unless a local write happened since the read began. */
  merge(rows: IpListSyncRow[], writesBefore: number): boolean {
    if (this.writes !== writesBefore) return false;
    for (const row of rows) {
      this.rows.set(row.ipornet, row);
      this.table.put(row);
    }
    return true;
  }

  /** Replaces the whole list with rows read from the database, unless a local write happened since. */
  replace(rows: IpListSyncRow[], writesBefore: number): boolean {
    if (this.writes !== writesBefore) return false;
    this.rows = new Map(rows.map((row) => [row.ipornet, row]));
    this.table = IpListTable.of(rows);
    return true;
  }
}

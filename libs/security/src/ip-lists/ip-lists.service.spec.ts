import type { IpListEntryEntity } from '../entities/ip-list-entry.entity';
import { IpListMode, IpListProtocol, IpListType } from '../security.types';
import { normalizeIpOrNet } from './ip-address';
import {
  type IpListPage,
  type IpListSyncRow,
  type IpListsRepository,
  ipListSummary,
} from './ip-lists.repository';
import { IpListsService } from './ip-lists.service';

/** The `ip_lists` table of a database shared with other instances, in memory. */
class FakeRepository {
  rows: IpListEntryEntity[] = [];
  private nextId = 1;
  /** Rows read by each `syncRows` call: `all` for a full load, else `since`. */
  loads: ('all' | number)[] = [];
  /** Runs once, in the middle of the next `syncRows` (a write landing while a sync reads). */
  duringNextLoad?: () => void;

  /** What another instance writes. */
  write(type: number, ipornet: string, mode: number, protocols = 0, updatedAt = Date.now()): void {
    const network = normalizeIpOrNet(ipornet);
    if ('error' in network) throw new Error(network.error);
    const existing = this.rows.find((row) => row.type === type && row.ipornet === network.ipornet);
    if (existing) Object.assign(existing, { mode, protocols, updatedAt });
    else
      void this.insert({
        type,
        ...network,
        mode,
        protocols,
        description: null,
        createdAt: updatedAt,
        updatedAt,
      });
  }

  remove(type: number, ipornet: string): void {
    this.rows = this.rows.filter((row) => !(row.type === type && row.ipornet === ipornet));
  }

  find(type: number, ipornet: string): Promise<IpListEntryEntity | null> {
    return Promise.resolve(this.rows.find((row) => row.type === type && row.ipornet === ipornet) ?? null);
  }

  list(_type: number, _page: IpListPage): Promise<IpListEntryEntity[]> {
    return Promise.resolve([]);
  }

  insert(entry: Omit<IpListEntryEntity, 'id'> & { prefix?: number }): Promise<IpListEntryEntity> {
    if (this.rows.some((row) => row.type === entry.type && row.ipornet === entry.ipornet)) {
      return Promise.reject(new Error('duplicate'));
    }
    const row = { ...entry, id: this.nextId++ } as IpListEntryEntity;
    this.rows.push(row);
    return Promise.resolve(row);
  }

  update(id: number, changes: Partial<IpListEntryEntity>): Promise<void> {
    Object.assign(this.rows.find((row) => row.id === id) ?? {}, changes);
    return Promise.resolve();
  }

  delete(type: number, ipornet: string): Promise<boolean> {
    const before = this.rows.length;
    this.remove(type, ipornet);
    return Promise.resolve(this.rows.length < before);
  }

  summaries(): Promise<Map<number, string>> {
    const types = [...new Set(this.rows.map((row) => row.type))];
    return Promise.resolve(
      new Map(types.map((type) => [type, ipListSummary(this.rows.filter((row) => row.type === type))])),
    );
  }

  async syncRows(type: number, since?: number): Promise<IpListSyncRow[]> {
    this.loads.push(since ?? 'all');
    const rows = this.rows
      .filter((row) => row.type === type && (since === undefined || row.updatedAt >= since))
      .map(({ id, ipornet, mode, protocols, ipType, first, updatedAt }) => ({
        id,
        ipornet,
        mode,
        protocols,
        ipType,
        first,
        updatedAt,
      }));
    await Promise.resolve();
    const during = this.duringNextLoad;
    this.duringNextLoad = undefined;
    during?.();
    return rows;
  }
}

describe('IpListsService', () => {
  let repo: FakeRepository;
  let service: IpListsService;
  const { AllowList, Defender, RateLimiterSafeList } = IpListType;

  beforeEach(async () => {
    repo = new FakeRepository();
    repo.write(Defender, '10.0.0.0/8', IpListMode.Deny);
    repo.write(Defender, '10.1.0.0/16', IpListMode.Allow, IpListProtocol.SSH);
    service = new IpListsService(repo as unknown as IpListsRepository);
    await service.onModuleInit();
    repo.loads = [];
  });

  afterEach(() => service.onModuleDestroy());

  it('loads every list at start and matches with HTTP as the default protocol', () => {
    expect(service.modeFor(Defender, '10.1.2.3')).toBe(IpListMode.Deny);
    expect(service.modeFor(Defender, '10.1.2.3', IpListProtocol.SSH)).toBe(IpListMode.Allow);
    expect(service.modeFor(AllowList, '10.1.2.3')).toBeUndefined();
  });

  it('validates and normalises writes, and applies them at once without reloading', async () => {
    await service.add({ type: AllowList, mode: 1, ipornet: '::ffff:192.0.2.1', protocols: 15 });
    expect(repo.rows.at(-1)).toMatchObject({ ipornet: '192.0.2.1/32', protocols: 0, ipType: 4 });
    expect(service.modeFor(AllowList, '192.0.2.1')).toBe(IpListMode.Allow);
    await service.update(Defender, '10.1.0.0/16', { mode: IpListMode.Allow, protocols: 0 });
    expect(service.modeFor(Defender, '10.1.2.3')).toBe(IpListMode.Allow);
    await service.delete(Defender, '10.1.0.0/16');
    expect(service.modeFor(Defender, '10.1.2.3')).toBe(IpListMode.Deny);
    await service.refresh();
    expect(repo.loads).toEqual([]);
    await expect(service.add({ type: RateLimiterSafeList, mode: 2, ipornet: '10.0.0.1' })).rejects.toThrow(
      'invalid list mode',
    );
    await expect(service.add({ type: 4, mode: 1, ipornet: '10.0.0.1' })).rejects.toThrow(
      'invalid list type 4',
    );
    await expect(service.update(Defender, '10.9.0.0/16', { mode: 1 })).rejects.toThrow('Not Found');
  });

  it("reads only recent rows for other instances' adds and updates", async () => {
    repo.write(RateLimiterSafeList, '2001:db8::/32', IpListMode.Allow);
    repo.write(Defender, '10.1.0.0/16', IpListMode.Allow, 0, Date.now() + 5);
    await service.refresh();
    expect(service.modeFor(RateLimiterSafeList, '2001:db8::1')).toBe(IpListMode.Allow);
    expect(service.modeFor(Defender, '10.1.2.3')).toBe(IpListMode.Allow);
    // The safe list was empty: loaded whole; the defender list: only its recent rows.
    expect(repo.loads).toEqual([expect.any(Number), 'all']);
  });

  it("reloads a whole list for another instance's delete, or for a write its clock dated long ago", async () => {
    repo.remove(Defender, '10.1.0.0/16');
    await service.refresh();
    expect(service.modeFor(Defender, '10.1.2.3', IpListProtocol.SSH)).toBe(IpListMode.Deny);
    repo.write(Defender, '172.16.0.0/12', IpListMode.Deny, 0, Date.now() - 3_600_000);
    await service.refresh();
    expect(service.modeFor(Defender, '172.16.0.1')).toBe(IpListMode.Deny);
    expect(repo.loads).toEqual([expect.any(Number), 'all', expect.any(Number), 'all']);
  });

  it('drops a load that raced with a local write, and catches up at the next sync', async () => {
    repo.write(Defender, '192.168.0.0/16', IpListMode.Deny, 0, Date.now() + 5);
    repo.duringNextLoad = () => void service.delete(Defender, '10.0.0.0/8');
    await service.refresh();
    // The rows read may predate the delete: not applied.
    expect(service.modeFor(Defender, '192.168.1.1')).toBeUndefined();
    expect(service.modeFor(Defender, '10.9.9.9')).toBeUndefined();
    await service.refresh();
    expect(service.modeFor(Defender, '192.168.1.1')).toBe(IpListMode.Deny);
    expect(service.modeFor(Defender, '10.9.9.9')).toBeUndefined();
  });
});

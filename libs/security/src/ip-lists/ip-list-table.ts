import { hexOfV6, maskHexV6, maskV4, networkOf, parseClientIp } from './ip-address';

/** What matching needs of a stored entry (its row's `ipornet`, `mode`, `protocols`, `ip_type`, `first`). */
export interface IpListMatchRow {
  ipornet: string;
  mode: number;
  protocols: number;
  ipType: number;
  first: string;
}

interface CompiledEntry {
  ipornet: string;
  mode: number;
  protocols: number;
  prefix: number;
}

/** The first index of sorted `keys` whose key is not below `key`. */
function lowerBound<K extends number | string>(keys: readonly K[], key: K): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Deny first (the safer mode) when two keys name the same network (`10.0.0.1/8`, `10.0.0.0/8`). */
function byModeThenKey(a: CompiledEntry, b: CompiledEntry): number {
  return b.mode - a.mode || (a.ipornet < b.ipornet ? -1 : 1);
}

/** The networks of one prefix length, sorted, each with its entries. */
interface PrefixLevel<K> {
  keys: K[];
  entries: CompiledEntry[][];
}

/**
 * The entries of one address family, by prefix length, each length's networks sorted for binary
 * search: a lookup masks the address once per prefix length in use, longest first, and searches that
 * length's networks, so it costs at most 33 (IPv4) or 129 (IPv6) binary searches whatever the number
 * of entries. (Sorted arrays, not hash maps: V8 hashes large numbers and long keys poorly.)
 */
class PrefixIndex<K extends number | string> {
  private readonly levels: (PrefixLevel<K> | undefined)[];
  /** The prefix lengths that have entries, longest first. */
  private prefixes: number[] = [];

  constructor(
    bits: number,
    private readonly mask: (value: K, bits: number) => K,
  ) {
    this.levels = new Array<PrefixLevel<K> | undefined>(bits + 1);
  }

  /** Loads many entries at once (sorting once, where adding one by one would shift the arrays each time). */
  load(items: { network: K; entry: CompiledEntry }[]): void {
    items.sort(
      (a, b) =>
        a.entry.prefix - b.entry.prefix || (a.network < b.network ? -1 : a.network > b.network ? 1 : 0),
    );
    for (const { network, entry } of items) {
      let level = this.levels[entry.prefix];
      if (!level) {
        level = { keys: [], entries: [] };
        this.levels[entry.prefix] = level;
      }
      const last = level.keys.length - 1;
      if (last >= 0 && level.keys[last] === network) level.entries[last].push(entry);
      else {
        level.keys.push(network);
        level.entries.push([entry]);
      }
    }
    for (const level of this.levels)
      for (const bucket of level?.entries ?? []) if (bucket.length > 1) bucket.sort(byModeThenKey);
    this.refreshPrefixes();
  }

  add(network: K, entry: CompiledEntry): void {
    let level = this.levels[entry.prefix];
    if (!level) {
      level = { keys: [], entries: [] };
      this.levels[entry.prefix] = level;
      this.refreshPrefixes();
    }
    const at = lowerBound(level.keys, network);
    if (level.keys[at] === network) {
      level.entries[at].push(entry);
      level.entries[at].sort(byModeThenKey);
      return;
    }
    level.keys.splice(at, 0, network);
    level.entries.splice(at, 0, [entry]);
  }

  remove(network: K, entry: CompiledEntry): void {
    const level = this.levels[entry.prefix];
    if (!level) return;
    const at = lowerBound(level.keys, network);
    if (level.keys[at] !== network) return;
    const rest = level.entries[at].filter((candidate) => candidate.ipornet !== entry.ipornet);
    if (rest.length > 0) {
      level.entries[at] = rest;
      return;
    }
    level.keys.splice(at, 1);
    level.entries.splice(at, 1);
    if (level.keys.length === 0) {
      this.levels[entry.prefix] = undefined;
      this.refreshPrefixes();
    }
  }

  /** The mode of the longest-prefix entry containing `value` that applies to `protocol`. */
  find(value: K, protocol: number): number | undefined {
    for (const prefix of this.prefixes) {
      const level = this.levels[prefix] as PrefixLevel<K>;
      const network = this.mask(value, prefix);
      const at = lowerBound(level.keys, network);
      if (level.keys[at] !== network) continue;
      for (const entry of level.entries[at]) {
        if (entry.protocols === 0 || (entry.protocols & protocol) !== 0) return entry.mode;
      }
    }
    return undefined;
  }

  private refreshPrefixes(): void {
    const prefixes: number[] = [];
    for (let prefix = this.levels.length - 1; prefix >= 0; prefix -= 1) {
      if (this.levels[prefix]) prefixes.push(prefix);
    }
    this.prefixes = prefixes;
  }
}

function prefixOf(ipornet: string): number {
  return Number(ipornet.slice(ipornet.lastIndexOf('/') + 1));
}

/**
 * One IP list (one type) in memory: SFTPGo's matching (entries whose protocols include the request's,
 * longest prefix wins) in O(prefix bits) per lookup, IPv4 and IPv6 apart; an IPv4-mapped IPv6 client
 * matches the IPv4 entries.
 */
export class IpListTable {
  private readonly entries = new Map<string, { network: number | string; entry: CompiledEntry }>();
  private readonly v4 = new PrefixIndex<number>(32, maskV4);
  private readonly v6 = new PrefixIndex<string>(128, maskHexV6);

  /** A table holding `rows`. */
  static of(rows: Iterable<IpListMatchRow>): IpListTable {
    const table = new IpListTable();
    const v4: { network: number; entry: CompiledEntry }[] = [];
    const v6: { network: string; entry: CompiledEntry }[] = [];
    for (const row of rows) table.entries.set(row.ipornet, IpListTable.compile(row));
    for (const { network, entry } of table.entries.values()) {
      if (typeof network === 'number') v4.push({ network, entry });
      else v6.push({ network, entry });
    }
    table.v4.load(v4);
    table.v6.load(v6);
    return table;
  }

  private static compile(row: IpListMatchRow): { network: number | string; entry: CompiledEntry } {
    // IPv4 entries are stored with their IPv4 prefix (IPv4-mapped networks were converted on save).
    const entry = {
      ipornet: row.ipornet,
      mode: row.mode,
      protocols: row.protocols,
      prefix: prefixOf(row.ipornet),
    };
    return { network: networkOf(row.ipType, row.first), entry };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces the entry with this `ipornet`. */
  put(row: IpListMatchRow): void {
    this.delete(row.ipornet);
    const { network, entry } = IpListTable.compile(row);
    this.entries.set(row.ipornet, { network, entry });
    if (typeof network === 'number') this.v4.add(network, entry);
    else this.v6.add(network, entry);
  }

  /** Removes the entry with this `ipornet`, if any. */
  delete(ipornet: string): void {
    const found = this.entries.get(ipornet);
    if (!found) return;
    this.entries.delete(ipornet);
    if (typeof found.network === 'number') this.v4.remove(found.network, found.entry);
    else this.v6.remove(found.network, found.entry);
  }

  /** The mode that applies to `ip` for `protocol` (a bit), or undefined when no entry matches. */
  match(ip: string, protocol: number): number | undefined {
    if (this.entries.size === 0) return undefined;
    const client = parseClientIp(ip);
    if (!client) return undefined;
    return client.family === 4
      ? this.v4.find(client.value, protocol)
      : this.v6.find(hexOfV6(client.value), protocol);
  }
}

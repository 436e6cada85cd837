import type { IpListEntryEntity } from '../entities/ip-list-entry.entity';

/** An IP list entry as SFTPGo sends it (field order kept; `first`/`last`/`ip_type` never rendered). */
export interface IpListEntryWire {
  ipornet: string;
  description?: string;
  type: number;
  mode: number;
  protocols: number;
  created_at: number;
  updated_at: number;
}

/** The wire JSON of a stored entry; an empty description is omitted, as SFTPGo does. */
export function ipListEntryToWire(entry: IpListEntryEntity): IpListEntryWire {
  return {
    ipornet: entry.ipornet,
    ...(entry.description ? { description: entry.description } : {}),
    type: entry.type,
    mode: entry.mode,
    protocols: entry.protocols,
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  };
}

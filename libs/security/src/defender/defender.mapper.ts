import type { DefenderHost } from './defender.types';

/** A `DefenderEntry` of the hosts list (SFTPGo's custom marshaller). */
export interface DefenderEntryWire {
  id: string;
  ip: string;
  score?: number;
  ban_time?: string;
}

/** The single-host answer: SFTPGo marshals it without its custom marshaller (no id, ban_time always). */
export interface DefenderHostWire {
  ip: string;
  score?: number;
  ban_time: string;
}

/** A host id: the hex encoding of the IP text. */
export function hostId(ip: string): string {
  return Buffer.from(ip, 'utf8').toString('hex');
}

/** One item of `GET /defender/hosts`: score omitted when 0, `ban_time` RFC 3339 UTC (seconds) when banned. */
export function toDefenderEntry(host: DefenderHost): DefenderEntryWire {
  const entry: DefenderEntryWire = { id: hostId(host.ip), ip: host.ip };
  if (host.score > 0) entry.score = host.score;
  if (host.banUntil > 0)
    entry.ban_time = new Date(Math.floor(host.banUntil / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return entry;
}

/**
 * `GET /defender/hosts/{id}`: as SFTPGo renders it (Go's default encoding of the struct value): `ip`,
 * `score` when not 0, and `ban_time` always, RFC 3339 with fractional seconds, Go's zero time when
 * the host is not banned.
 */
export function toDefenderHost(host: DefenderHost): DefenderHostWire {
  return { ip: host.ip, ...(host.score > 0 ? { score: host.score } : {}), ban_time: goTime(host.banUntil) };
}

/** Go's `time.Time` JSON (RFC 3339 with trailing fractional zeros dropped) in UTC; 0 = the zero time. */
function goTime(epochMs: number): string {
  if (epochMs <= 0) return '0001-01-01T00:00:00Z';
  return new Date(epochMs).toISOString().replace(/\.?0*Z$/, 'Z');
}

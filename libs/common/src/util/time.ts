/** Epoch milliseconds now, the unit of every timestamp on the wire and in the database. */
export function nowMs(): number {
  return Date.now();
}

/** RFC 3339 UTC with seconds precision, as SFTPGo writes token expiries (`2026-07-21T18:06:26Z`). */
export function toRfc3339Seconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

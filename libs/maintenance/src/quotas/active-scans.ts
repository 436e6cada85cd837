/**
 * The scans in progress of one kind (users or folders), in memory as in SFTPGo: at most one per key.
 * The usage PUTs also hold an entry while they write, so a scan and an update never overlap.
 */
export class ActiveScans<T extends { startTime: number }> {
  private readonly entries = new Map<string, T>();

  /** Adds `entry` under `key`; false (nothing changed) when one is already there. */
  tryAdd(key: string, entry: T): boolean {
    if (this.entries.has(key)) return false;
    this.entries.set(key, entry);
    return true;
  }

  /** Removes the entry of `key`, if any. */
  remove(key: string): void {
    this.entries.delete(key);
  }

  /** The entries, oldest first. */
  list(): T[] {
    return [...this.entries.values()].sort((a, b) => a.startTime - b.startTime);
  }
}

/** What restoring one backup object did. */
export type RestoreOutcome = 'add' | 'update' | 'skip';

/**
 * The one rule of a restore for one object (SFTPGo's `loaddata` modes): a new object is added; an
 * existing one is skipped when `skipExisting` (mode 1), else updated.
 */
export async function restoreObject<T>(
  existing: T | null | undefined,
  skipExisting: boolean,
  add: () => Promise<unknown>,
  update: (existing: T) => Promise<unknown>,
): Promise<RestoreOutcome> {
  if (existing === null || existing === undefined) {
    await add();
    return 'add';
  }
  if (skipExisting) return 'skip';
  await update(existing);
  return 'update';
}

import { nowMs } from '@app/common';
import { Injectable } from '@nestjs/common';
import type { EffectiveUser } from './effective-user';

// How long another instance's change to a user may take to be seen here.
const AUTH_STATE_TTL_MS = 2000;

/**
 * The effective users (groups merged), kept briefly: read by the token checks and the file API, so
 * a request costs no database read; dropped by every write to a user (this instance sees the change
 * at once; other instances, and group or folder changes, within the TTL). Read-only: never mutate
 * a cached user.
 */
@Injectable()
export class UserAuthStateCache {
  private readonly states = new Map<string, { at: number; state: Promise<EffectiveUser | undefined> }>();

  /** The cached user `username`, or the one `load` reads (a failed read is not cached). */
  get(username: string, load: () => Promise<EffectiveUser | undefined>): Promise<EffectiveUser | undefined> {
    const now = nowMs();
    const cached = this.states.get(username);
    if (cached && now - cached.at < AUTH_STATE_TTL_MS) return cached.state;
    const state = load();
    this.states.set(username, { at: now, state });
    state.catch(() => this.states.delete(username));
    return state;
  }

  /** Drops a user's state (after a write). */
  forget(username: string): void {
    this.states.delete(username);
  }
}

import { nowMs } from '@app/common';
import { Injectable } from '@nestjs/common';
import type { UserAuthState } from './user-auth.service';

// How long another instance's change to a user may take to be seen here.
const AUTH_STATE_TTL_MS = 2000;

/**
 * The users' authentication states, kept briefly: read by the token checks, dropped by every write
 * to a user (this instance sees the change at once; other instances within the TTL).
 */
@Injectable()
export class UserAuthStateCache {
  private readonly states = new Map<string, { at: number; state: Promise<UserAuthState | undefined> }>();

  /** The cached state of `username`, or the one `load` reads (a failed read is not cached). */
  get(username: string, load: () => Promise<UserAuthState | undefined>): Promise<UserAuthState | undefined> {
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

import { Injectable, Logger } from '@nestjs/common';

/** How a failed credential was presented: HTTP Basic (token endpoints, share passwords) or an API key. */
export type FailedCredential = 'basic' | 'api_key';

/**
 * What a failure weighs for the defender (SFTPGo's host events): `UserNotFound` (an unknown account or
 * API key id, `score_invalid`) or `LoginFailed` (anything else, `score_valid`).
 */
export type AuthFailureKind = 'LoginFailed' | 'UserNotFound';

/** A refused credential: who tried, from where, and why (never the credential itself). */
export interface AuthFailure {
  ip: string;
  credential: FailedCredential;
  /** The account the client named, when it named one. */
  username?: string;
  reason: string;
  /** The defender event; absent when SFTPGo counts none (e.g. a malformed API key): only logged. */
  kind?: AuthFailureKind;
}

/** Who hears about logins besides the log: the defender, registered at its module init. */
export interface AuthFailureListener {
  /** Scores the failure; resolves when the failing response may be sent (`login_delay.password_failed`). */
  failed(failure: AuthFailure): Promise<void>;
  /** Resolves when the successful response may be sent (`login_delay.success`). */
  succeeded(ip: string): Promise<void>;
}

/** Told of each reported failure as it happens (metrics). Synchronous; must not throw. */
export type AuthFailureObserver = (failure: AuthFailure) => void;

/**
 * The one place failed (and successful) logins are reported: admin and user tokens, API keys, share
 * passwords. Each failure is logged, then handed to the listener (the defender scores it and may
 * delay the answer): callers await `report()` before sending their 401. In `common` so that every
 * lib that checks a credential can report without importing auth or security.
 */
@Injectable()
export class AuthFailures {
  private readonly logger = new Logger('AuthFailures');
  private listener?: AuthFailureListener;
  private readonly observers: AuthFailureObserver[] = [];

  /** Registers the listener (one: the defender). */
  listen(listener: AuthFailureListener): void {
    this.listener = listener;
  }

  /** Adds an observer told of every failure (any number of them, besides the one listener). */
  observe(observer: AuthFailureObserver): void {
    this.observers.push(observer);
  }

  async report(failure: AuthFailure): Promise<void> {
    const who = failure.username ? ` for "${failure.username}"` : '';
    this.logger.warn(
      `${failure.credential === 'api_key' ? 'API key authentication' : 'login'} failed from ${failure.ip}${who}: ${failure.reason}`,
    );
    for (const observer of this.observers) observer(failure);
    await this.listener?.failed(failure);
  }

  /** A login that succeeded (token endpoints, share passwords): may wait `login_delay.success`. */
  async succeeded(ip: string): Promise<void> {
    await this.listener?.succeeded(ip);
  }
}

import { Injectable, Logger } from '@nestjs/common';

/** How a failed credential was presented: HTTP Basic (token endpoints) or an API key. */
export type FailedCredential = 'basic' | 'api_key';

/** A refused credential: who tried, from where, and why (never the credential itself). */
export interface AuthFailure {
  ip: string;
  credential: FailedCredential;
  /** The account the client named, when it named one. */
  username?: string;
  reason: string;
}

/**
 * The one place failed credentials are reported (admin and user tokens, API keys, share passwords):
 * SFTPGo's defender counts them to ban repeat offenders. Until the defender exists, each one is
 * logged. In `common` so that every lib that checks a credential can report without importing auth.
 */
@Injectable()
export class AuthFailures {
  private readonly logger = new Logger('AuthFailures');

  report(failure: AuthFailure): void {
    const who = failure.username ? ` for "${failure.username}"` : '';
    this.logger.warn(
      `${failure.credential === 'api_key' ? 'API key authentication' : 'login'} failed from ${failure.ip}${who}: ${failure.reason}`,
    );
  }
}

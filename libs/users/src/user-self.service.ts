import { ForbiddenError, type Principal, ValidationError } from '@app/common';
import { Injectable } from '@nestjs/common';
import type { UserProfileDto } from './dto/user-profile.dto';
import { UserAuthService } from './user-auth.service';
import type { UserProfileChanges, UserProfileWire } from './users.mapper';
import { UsersService } from './users.service';

/** What a user does to its own account: profile and password (`/user/profile`, `/user/changepwd`). */
@Injectable()
export class UserSelfService {
  constructor(
    private readonly users: UsersService,
    private readonly auth: UserAuthService,
  ) {}

  /** `GET /user/profile`. */
  getProfile(principal: Principal): Promise<UserProfileWire> {
    return this.users.getProfile(principal.username);
  }

  /**
   * `PUT /user/profile`: only the fields the user's web client restrictions leave open change (the
   * others are ignored, as SFTPGo does); with every group locked, 403.
   */
  async updateProfile(principal: Principal, body: UserProfileDto): Promise<{ message: string }> {
    const open = (restriction: string) => !principal.permissions.includes(restriction);
    // The open groups are replaced as a whole: what the body leaves out is cleared (SFTPGo's form).
    const changes: UserProfileChanges = {};
    if (open('info-change-disabled')) {
      changes.email = body.email ?? '';
      changes.description = body.description ?? '';
      changes.additional_emails = body.additional_emails ?? [];
    }
    if (open('api-key-auth-change-disabled')) changes.allow_api_key_auth = body.allow_api_key_auth ?? false;
    if (open('publickey-change-disabled')) changes.public_keys = body.public_keys ?? [];
    if (open('tls-cert-change-disabled')) changes.tls_certs = body.tls_certs ?? [];
    if (Object.keys(changes).length === 0)
      throw new ForbiddenError('', 'You are not allowed to change anything');
    await this.users.updateProfile(principal.username, changes);
    return { message: 'Profile updated' };
  }

  /**
   * `PUT /user/changepwd`: the current password is checked through the full login check; every
   * token of the user stops working afterwards (its credential stamp changed).
   */
  async changePassword(
    principal: Principal,
    body: { current_password?: string; new_password?: string },
    ip: string,
  ): Promise<{ message: string }> {
    if (principal.permissions.includes('password-change-disabled')) {
      throw new ForbiddenError('you are not allowed to change your password');
    }
    const current = body.current_password ?? '';
    const next = body.new_password ?? '';
    if (!current || !next)
      throw new ValidationError('please provide the current password and the new one two times');
    if (current === next)
      throw new ValidationError('the new password must be different from the current one');
    if (!(await this.auth.checkCredentials(principal.username, current, ip))) {
      throw new ValidationError('current password does not match');
    }
    await this.users.setOwnPassword(principal.username, next);
    return { message: 'Password updated' };
  }
}

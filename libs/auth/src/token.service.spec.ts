import { defaultConfig, SftpgoConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { createHash, createSecretKey } from 'node:crypto';
import { decode, JwtPayload, verify } from 'jsonwebtoken';
import { TokenAudience, TokenService, TokenSubject } from './token.service';

const PASSPHRASE = 'a-long-and-secret-signing-passphrase';

function config(passphrase: string, jwtLifetime = 20): SftpgoConfig {
  const base = defaultConfig();
  return {
    ...base,
    httpd: { ...base.httpd, signing_passphrase: passphrase, jwt_lifetime: jwtLifetime },
    configDir: '/etc/sftpgo',
    logLevel: 'silent',
    defaultAdmin: { username: '', password: '' },
  };
}

function keyOf(passphrase: string): Buffer {
  return createHash('sha256').update(passphrase).digest();
}

function subject(overrides: Partial<TokenSubject> = {}): TokenSubject {
  return {
    username: 'admin',
    updatedAt: 1767225600123,
    credentialStamp: 'stamp-1',
    permissions: ['*'],
    role: '',
    ...overrides,
  };
}

function claimsOf(token: string, passphrase = PASSPHRASE): JwtPayload {
  const payload = verify(token, keyOf(passphrase), { algorithms: ['HS256'] });
  if (typeof payload === 'string') throw new Error('unexpected string payload');
  return payload;
}

describe('TokenService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  describe('issued token', () => {
    const service = new TokenService(config(PASSPHRASE));

    it('is HS256 signed with the SHA-256 of the passphrase', () => {
      const { access_token } = service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1');
      const complete = decode(access_token, { complete: true });
      expect(complete?.header.alg).toBe('HS256');
      expect(complete?.header.typ).toBe('JWT');
      expect(() => claimsOf(access_token)).not.toThrow();
      expect(service.signingKey.equals(createSecretKey(keyOf(PASSPHRASE)))).toBe(true);
    });

    it('is bound to the audience and the client IP', () => {
      const admin = claimsOf(service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token);
      expect(admin.aud).toEqual(['API', '192.0.2.1']);
      const user = claimsOf(service.issue(subject(), TokenAudience.UserApi, '2001:db8::1').access_token);
      expect(user.aud).toEqual(['APIUser', '2001:db8::1']);
    });

    it('carries SFTPGo time claims: exp = issue time + jwt_lifetime minutes, nbf = issue time - 10', () => {
      const before = Math.floor(Date.now() / 1000);
      const claims = claimsOf(service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token);
      const after = Math.floor(Date.now() / 1000);
      expect(claims.exp).toBeGreaterThanOrEqual(before + 20 * 60);
      expect(claims.exp).toBeLessThanOrEqual(after + 20 * 60);
      expect(claims.exp! - claims.nbf!).toBe(20 * 60 + 10);
    });

    // jsonwebtoken's `noTimestamp` option would delete the `iat` the service puts in the claims.
    it('carries iat = issue time, with exp - iat = jwt_lifetime minutes and nbf = iat - 10', () => {
      const before = Math.floor(Date.now() / 1000);
      const claims = claimsOf(service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token);
      const after = Math.floor(Date.now() / 1000);
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(after);
      expect(claims.exp! - claims.iat!).toBe(20 * 60);
      expect(claims.nbf).toBe(claims.iat! - 10);
    });

    it('follows the configured jwt_lifetime', () => {
      const short = new TokenService(config(PASSPHRASE, 5));
      const claims = claimsOf(short.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token);
      expect(claims.exp! - claims.iat!).toBe(5 * 60);
    });

    it('has a 20-character base32hex jti, different on every token', () => {
      const ids = new Set<string>();
      for (let i = 0; i < 50; i += 1) {
        const claims = claimsOf(service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token);
        expect(claims.jti).toMatch(/^[0-9a-v]{20}$/);
        ids.add(claims.jti!);
      }
      expect(ids.size).toBe(50);
    });

    it('carries sub = updatedAt as a string, the username, permissions and stamp', () => {
      const claims = claimsOf(
        service.issue(
          subject({
            username: 'bob',
            updatedAt: 42,
            permissions: ['add_users', 'edit_users'],
            credentialStamp: 's9',
          }),
          TokenAudience.AdminApi,
          '192.0.2.1',
        ).access_token,
      );
      expect(claims.sub).toBe('42');
      expect(claims.username).toBe('bob');
      expect(claims.permissions).toEqual(['add_users', 'edit_users']);
      expect(claims.stamp).toBe('s9');
    });

    it('omits role, 2fa_required, chpwd and empty permissions when not set', () => {
      const claims = claimsOf(
        service.issue(subject({ permissions: [] }), TokenAudience.UserApi, '192.0.2.1').access_token,
      );
      expect(claims).not.toHaveProperty('role');
      expect(claims).not.toHaveProperty('2fa_required');
      expect(claims).not.toHaveProperty('chpwd');
      expect(claims).not.toHaveProperty('permissions');
      expect(Object.keys(claims).sort()).toEqual(
        ['aud', 'exp', 'iat', 'jti', 'nbf', 'stamp', 'sub', 'username'].sort(),
      );
    });

    it('includes role, 2fa_required and chpwd when set', () => {
      const claims = claimsOf(
        service.issue(
          subject({ role: 'support', requireTwoFactor: true, mustChangePassword: true }),
          TokenAudience.AdminApi,
          '192.0.2.1',
        ).access_token,
      );
      expect(claims.role).toBe('support');
      expect(claims['2fa_required']).toBe(true);
      expect(claims.chpwd).toBe(true);
    });

    it('omits 2fa_required and chpwd when explicitly false', () => {
      const claims = claimsOf(
        service.issue(
          subject({ requireTwoFactor: false, mustChangePassword: false }),
          TokenAudience.AdminApi,
          '192.0.2.1',
        ).access_token,
      );
      expect(claims).not.toHaveProperty('2fa_required');
      expect(claims).not.toHaveProperty('chpwd');
    });

    it('answers expires_at in RFC 3339 seconds, matching exp', () => {
      const { access_token, expires_at } = service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1');
      expect(expires_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(expires_at) / 1000).toBe(claimsOf(access_token).exp);
    });

    it('does not verify with a different passphrase', () => {
      const { access_token } = service.issue(subject(), TokenAudience.AdminApi, '192.0.2.1');
      expect(() => claimsOf(access_token, `${PASSPHRASE}!`)).toThrow();
    });
  });

  describe('signing key', () => {
    it('lets two services with the same passphrase verify each other tokens', () => {
      const first = new TokenService(config(PASSPHRASE));
      const second = new TokenService(config(PASSPHRASE));
      expect(first.signingKey.equals(second.signingKey)).toBe(true);
      const token = first.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token;
      expect(() => verify(token, second.signingKey, { algorithms: ['HS256'] })).not.toThrow();
    });

    it('uses a random key per service when no passphrase is set', () => {
      const first = new TokenService(config(''));
      const second = new TokenService(config(''));
      expect(first.signingKey.symmetricKeySize).toBe(32);
      expect(first.signingKey.equals(second.signingKey)).toBe(false);
      expect(first.signingKey.equals(createSecretKey(keyOf('')))).toBe(false);
      const token = first.issue(subject(), TokenAudience.AdminApi, '192.0.2.1').access_token;
      expect(() => verify(token, first.signingKey, { algorithms: ['HS256'] })).not.toThrow();
      expect(() => verify(token, second.signingKey, { algorithms: ['HS256'] })).toThrow();
    });

    it('warns when no passphrase is set, and only then', () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        new TokenService(config(PASSPHRASE));
        expect(warn).not.toHaveBeenCalled();
        new TokenService(config(''));
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toContain('signing_passphrase');
      } finally {
        warn.mockRestore();
      }
    });
  });
});

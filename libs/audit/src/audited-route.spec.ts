import { auditAction, type AuditNameSources, compileObjectName, returnedObject } from './audited-route';
import { serializeObjectData } from './object-data';

const sources = (over: Partial<AuditNameSources> = {}): AuditNameSources => ({
  params: { username: 'alice', type: '1', ipornet: '10.0.0.0/8' },
  body: { name: 'group1', type: 2, ipornet: '192.168.1.1', nested: { a: 1 }, list: ['x'] },
  header: (name) =>
    ({
      'x-object-id': 'abc123',
      location: '/api/v2/iplists/2/192.168.1.1%2F32',
    })[name],
  principal: 'admin',
  ...over,
});

describe('compileObjectName', () => {
  it.each([
    ['param:username', 'alice'],
    ['body:name', 'group1'],
    ['body:type', '2'],
    ['header:x-object-id', 'abc123'],
    ['header:X-Object-ID', 'abc123'],
    ['location', '192.168.1.1/32'],
    ['principal', 'admin'],
    ['{param:type}_{param:ipornet}', '1_10.0.0.0/8'],
    ['{body:type}_{location}', '2_192.168.1.1/32'],
    ['user {principal}!', 'user admin!'],
  ])('%s -> %s', (spec, expected) => {
    expect(compileObjectName(spec)(sources())).toBe(expected);
  });

  it('gives "" for a missing or non-scalar value, and for a body that is not an object', () => {
    expect(compileObjectName('param:missing')(sources())).toBe('');
    expect(compileObjectName('body:nested')(sources())).toBe('');
    expect(compileObjectName('body:name')(sources({ body: undefined }))).toBe('');
    expect(compileObjectName('body:name')(sources({ body: 'text' }))).toBe('');
    expect(compileObjectName('header:none')(sources())).toBe('');
    expect(compileObjectName('location')(sources({ header: () => undefined }))).toBe('');
  });

  it('takes the first value of a repeated header, and keeps a malformed escape as it is', () => {
    expect(compileObjectName('header:x')(sources({ header: () => ['one', 'two'] }))).toBe('one');
    expect(compileObjectName('location')(sources({ header: () => '/api/v2/users/bad%zz' }))).toBe('bad%zz');
    expect(compileObjectName('location')(sources({ header: () => '/api/v2/users/a%20b' }))).toBe('a b');
  });

  it.each(['username', 'param:', 'query:x', 'location:x', '{param:a}_{oops}', '{param:a', 'param:a}'])(
    'refuses %s',
    (spec) => {
      expect(() => compileObjectName(spec)).toThrow(/@Audited/);
    },
  );
});

describe('auditAction', () => {
  it('maps the method unless the route says', () => {
    expect(auditAction({ type: 'user', name: 'param:x' }, 'POST')).toBe('add');
    expect(auditAction({ type: 'user', name: 'param:x' }, 'PUT')).toBe('update');
    expect(auditAction({ type: 'user', name: 'param:x' }, 'PATCH')).toBe('update');
    expect(auditAction({ type: 'user', name: 'param:x' }, 'DELETE')).toBe('delete');
    expect(auditAction({ type: 'user', name: 'param:x' }, 'GET')).toBeUndefined();
    expect(auditAction({ type: 'admin', name: 'principal', action: 'update' }, 'POST')).toBe('update');
  });
});

describe('returnedObject', () => {
  it('keeps a returned object, not an ApiResponse, an array, a scalar or a class instance', () => {
    expect(returnedObject({ username: 'a' })).toEqual({ username: 'a' });
    expect(returnedObject({ message: 'API key created', key: 'secret' })).toBeUndefined();
    expect(returnedObject({ message: 'ok' })).toBeUndefined();
    expect(returnedObject([{ username: 'a' }])).toBeUndefined();
    expect(returnedObject(undefined)).toBeUndefined();
    expect(returnedObject('text')).toBeUndefined();
    expect(returnedObject(Buffer.from('x'))).toBeUndefined();
  });
});

describe('serializeObjectData', () => {
  it('is null without data', () => {
    expect(serializeObjectData(undefined)).toBeNull();
    expect(serializeObjectData(null)).toBeNull();
  });

  it('drops passwords and keys at any depth, and keeps only the status of a secret', () => {
    const json = serializeObjectData({
      username: 'u',
      password: '$2a$10$hash',
      has_password: true,
      filesystem: {
        s3config: {
          access_key: 'AKIA',
          access_secret: { status: 'Secretbox', payload: 'enc', key: 'k', additional_data: 'u' },
        },
      },
      filters: { totp_config: { secret: { status: 'Plain', payload: 'clear' } } },
      virtual_folders: [{ name: 'f', sftpconfig: { password: { status: 'Plain', payload: 'pw' } } }],
      key: 'api-key',
    });
    expect(JSON.parse(json ?? '')).toEqual({
      username: 'u',
      has_password: true,
      filesystem: { s3config: { access_key: 'AKIA', access_secret: { status: 'Secretbox' } } },
      filters: { totp_config: { secret: { status: 'Plain' } } },
      virtual_folders: [{ name: 'f', sftpconfig: {} }],
    });
    expect(json).not.toMatch(/hash|enc|clear|pw"|api-key/);
  });
});

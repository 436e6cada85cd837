import { ValidationError } from '../errors/api-error';
import { hasPermission, permissionsForPath, USER_PERMISSIONS, validatePermissions } from './permissions';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.error;
    throw err;
  }
  throw new Error('no error thrown');
}

const user = { requireRoot: true };
const group = { requireRoot: false };

describe('validatePermissions', () => {
  it('lists the 17 SFTPGo permissions', () => {
    expect(USER_PERMISSIONS).toHaveLength(17);
    expect(USER_PERMISSIONS).toContain('*');
    expect(USER_PERMISSIONS).toContain('copy');
  });

  it.each([undefined, null, {}])('requires some permissions for a user (%j)', (input) => {
    expect(errorOf(() => validatePermissions(input, user))).toBe(
      'Validation error: please grant some permissions to this user',
    );
  });

  it.each([undefined, null, {}])('accepts no permissions for a group (%j)', (input) => {
    expect(validatePermissions(input, group)).toEqual({});
  });

  it('requires the root dir for users only', () => {
    expect(errorOf(() => validatePermissions({ '/a': ['list'] }, user))).toBe(
      'Validation error: permissions for the root dir "/" must be set',
    );
    expect(validatePermissions({ '/a': ['list'] }, group)).toEqual({ '/a': ['list'] });
  });

  it('refuses an empty root list, for groups too', () => {
    for (const options of [user, group]) {
      expect(errorOf(() => validatePermissions({ '/': [] }, options))).toBe(
        'Validation error: no permissions granted for the directory: "/"',
      );
    }
  });

  it('accepts sub-directories with an empty list', () => {
    expect(validatePermissions({ '/': ['*'], '/private': [] }, user)).toEqual({ '/': ['*'], '/private': [] });
  });

  it('refuses unknown permissions', () => {
    expect(errorOf(() => validatePermissions({ '/': ['list', 'fly'] }, user))).toBe(
      'Validation error: invalid permission: "fly"',
    );
    expect(errorOf(() => validatePermissions({ '/': [1] }, user))).toBe(
      'Validation error: invalid permission: 1',
    );
  });

  it('refuses more entries than there are permissions', () => {
    const tooMany = [...USER_PERMISSIONS, 'list'];
    expect(errorOf(() => validatePermissions({ '/': tooMany }, user))).toBe(
      'Validation error: invalid permissions',
    );
  });

  it('refuses non-list values and non-object maps', () => {
    expect(errorOf(() => validatePermissions({ '/': 'list' }, user))).toContain('must be a list');
    expect(errorOf(() => validatePermissions(['list'], user))).toBe(
      'Validation error: permissions must be an object',
    );
  });

  it('refuses relative keys', () => {
    expect(errorOf(() => validatePermissions({ '/': ['*'], dir: ['list'] }, user))).toBe(
      'Validation error: cannot set permissions for non absolute path: "dir"',
    );
  });

  it.each(['/..', '/somedir/..', '//', '/./'])('refuses %j, an alias for the root', (key) => {
    expect(errorOf(() => validatePermissions({ '/': ['*'], [key]: ['list'] }, user))).toBe(
      `Validation error: cannot set permissions for invalid subdirectory: ${JSON.stringify(key)} is an alias for "/"`,
    );
  });

  it('normalises keys', () => {
    expect(
      validatePermissions(
        { '/': ['list'], '/somedir/../otherdir/': ['download'], '/a//b/': ['upload'] },
        user,
      ),
    ).toEqual({ '/': ['list'], '/otherdir': ['download'], '/a/b': ['upload'] });
  });

  it('collapses a list with * and removes duplicates', () => {
    expect(
      validatePermissions({ '/': ['list', '*', 'upload'], '/d': ['list', 'list', 'download'] }, user),
    ).toEqual({ '/': ['*'], '/d': ['list', 'download'] });
  });

  it('returns a new map and leaves the input alone', () => {
    const input = { '/': ['list', 'list'] };
    const out = validatePermissions(input, user);
    expect(out).not.toBe(input);
    expect(input).toEqual({ '/': ['list', 'list'] });
  });
});

describe('permissionsForPath', () => {
  it('returns the root list when only / is set', () => {
    expect(permissionsForPath({ '/': ['list'] }, '/any/where')).toEqual(['list']);
  });

  it('inherits from the deepest ancestor', () => {
    const perms = { '/': ['list'], '/a': ['download'] };
    expect(permissionsForPath(perms, '/a/b/c')).toEqual(['download']);
    expect(permissionsForPath(perms, '/a')).toEqual(['download']);
    expect(permissionsForPath(perms, '/ab')).toEqual(['list']);
    expect(permissionsForPath(perms, '/')).toEqual(['list']);
  });

  it('lets a deeper entry override, also with an empty list', () => {
    const perms = { '/': ['*'], '/a': ['download'], '/a/b': [] };
    expect(permissionsForPath(perms, '/a/b/c')).toEqual([]);
    expect(permissionsForPath(perms, '/a/x')).toEqual(['download']);
  });

  it('uses keys as glob patterns', () => {
    const perms = { '/': ['list'], '/a/*': ['upload'] };
    expect(permissionsForPath(perms, '/a/b')).toEqual(['upload']);
    expect(permissionsForPath(perms, '/a/b/c/d')).toEqual(['upload']);
    expect(permissionsForPath(perms, '/a')).toEqual(['list']);
  });

  it('prefers an exact key over a glob at the same level', () => {
    const perms = { '/': ['list'], '/a/*': ['upload'], '/a/b': ['download'] };
    expect(permissionsForPath(perms, '/a/b')).toEqual(['download']);
    expect(permissionsForPath(perms, '/a/b/c')).toEqual(['download']);
    expect(permissionsForPath(perms, '/a/c')).toEqual(['upload']);
  });

  it('prefers a deeper glob over a shallower exact key', () => {
    const perms = { '/': ['list'], '/a': ['download'], '/a/*/c': ['upload'] };
    expect(permissionsForPath(perms, '/a/b/c/d')).toEqual(['upload']);
    expect(permissionsForPath(perms, '/a/b/d')).toEqual(['download']);
  });

  it('cleans the path and treats a relative one as rooted', () => {
    const perms = { '/': ['list'], '/a': ['download'] };
    expect(permissionsForPath(perms, '/x/../a/./b/')).toEqual(['download']);
    expect(permissionsForPath(perms, 'a/b')).toEqual(['download']);
    expect(permissionsForPath(perms, '')).toEqual(['list']);
  });

  it('returns nothing without a root entry and no match (groups)', () => {
    expect(permissionsForPath({ '/a': ['list'] }, '/b')).toEqual([]);
    expect(permissionsForPath({}, '/b')).toEqual([]);
  });

  it('does not use inherited object properties as keys', () => {
    expect(permissionsForPath({ '/': ['list'], '/x': [] }, '/constructor')).toEqual(['list']);
  });
});

describe('hasPermission', () => {
  const perms = { '/': ['*'], '/ro': ['list', 'download'] };

  it('treats * as every permission', () => {
    expect(hasPermission(perms, '/file', 'upload')).toBe(true);
    expect(hasPermission(perms, '/file', 'chmod')).toBe(true);
  });

  it('checks the list of the applicable entry', () => {
    expect(hasPermission(perms, '/ro/file', 'download')).toBe(true);
    expect(hasPermission(perms, '/ro/file', 'upload')).toBe(false);
  });
});

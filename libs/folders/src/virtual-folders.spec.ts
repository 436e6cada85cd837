import { ValidationError } from '@app/common';
import { cleanVirtualPath, parseVirtualFolderMounts } from './virtual-folders';

const STRICT = 0;
const TRIM_LOWER = 6;

function problem(input: unknown, rules = STRICT): string {
  try {
    parseVirtualFolderMounts(input, rules);
  } catch (err) {
    if (err instanceof ValidationError) return err.error;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('parseVirtualFolderMounts', () => {
  it('accepts nothing as no mounts', () => {
    expect(parseVirtualFolderMounts(undefined, STRICT)).toEqual([]);
    expect(parseVirtualFolderMounts(null, STRICT)).toEqual([]);
    expect(parseVirtualFolderMounts([], STRICT)).toEqual([]);
  });

  it('cleans virtual paths, defaults quotas to 0, keeps a canonical subpath and applies naming rules', () => {
    expect(
      parseVirtualFolderMounts(
        [
          { name: ' F1 ', virtual_path: 'a/b/../c/' },
          { name: 'f2', virtual_path: '/x', quota_size: -1, quota_files: -1, subpath: '/%username%/in' },
          { name: 'f3', virtual_path: '/x/nested', quota_size: 10, quota_files: 2, subpath: '' },
        ],
        TRIM_LOWER,
      ),
    ).toEqual([
      { name: 'f1', virtualPath: '/a/c', quotaSize: 0, quotaFiles: 0, subpath: null },
      { name: 'f2', virtualPath: '/x', quotaSize: -1, quotaFiles: -1, subpath: '/%username%/in' },
      { name: 'f3', virtualPath: '/x/nested', quotaSize: 10, quotaFiles: 2, subpath: null },
    ]);
  });

  it.each([
    ['not a list', { name: 'f' }, 'virtual_folders must be an array'],
    ['an item that is not an object', ['f'], 'virtual_folders[0] must be an object'],
    ['a missing virtual path', [{ name: 'f' }], 'mount/virtual path is mandatory'],
    ['a virtual path of another type', [{ name: 'f', virtual_path: 1 }], 'virtual_folders[0].virtual_path'],
    ['a missing name', [{ virtual_path: '/v' }], 'folder name is mandatory'],
    ['a mount on the root', [{ name: 'f', virtual_path: '/../' }], 'invalid virtual folder "/../"'],
    ['quota_size below -1', [{ name: 'f', virtual_path: '/v', quota_size: -2 }], 'invalid quota_size: -2'],
    ['quota_files below -1', [{ name: 'f', virtual_path: '/v', quota_files: -3 }], 'invalid quota_files: -3'],
    [
      'only one quota at -1',
      [{ name: 'f', virtual_path: '/v', quota_size: -1, quota_files: 0 }],
      'must be both -1 or >= 0',
    ],
    [
      'a fractional quota',
      [{ name: 'f', virtual_path: '/v', quota_size: 1.5 }],
      'quota_size must be an integer',
    ],
    ['a relative subpath', [{ name: 'f', virtual_path: '/v', subpath: 'sub' }], 'invalid subpath "sub"'],
    ['a subpath with ..', [{ name: 'f', virtual_path: '/v', subpath: '/a/../b' }], 'invalid subpath'],
    [
      'a subpath with a trailing slash',
      [{ name: 'f', virtual_path: '/v', subpath: '/a/' }],
      'invalid subpath',
    ],
    ['a root subpath', [{ name: 'f', virtual_path: '/v', subpath: '/' }], 'invalid subpath'],
    ['a subpath too long', [{ name: 'f', virtual_path: '/v', subpath: `/${'a'.repeat(191)}` }], '191'],
    [
      'the same folder twice',
      [
        { name: 'f', virtual_path: '/a' },
        { name: 'f', virtual_path: '/b', subpath: '/other' },
      ],
      'the folder "f" is duplicated',
    ],
    [
      'two mounts on one path',
      [
        { name: 'f', virtual_path: '/a' },
        { name: 'g', virtual_path: '/a/./' },
      ],
      'invalid virtual folder "/a", it overlaps with virtual folder "/a"',
    ],
  ])('refuses %s', (_case, input, message) => {
    expect(problem(input)).toContain(message);
  });

  it('treats names equal after the naming rules as duplicates', () => {
    expect(
      problem(
        [
          { name: 'F', virtual_path: '/a' },
          { name: 'f ', virtual_path: '/b' },
        ],
        TRIM_LOWER,
      ),
    ).toContain('the folder "f" is duplicated');
  });
});

describe('cleanVirtualPath', () => {
  it.each([
    ['vdir', '/vdir'],
    ['/vdir/', '/vdir'],
    ['//a//b/./c/..', '/a/b'],
    ['../..', '/'],
  ])('%s -> %s', (input, expected) => {
    expect(cleanVirtualPath(input)).toBe(expected);
  });
});

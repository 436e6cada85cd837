import { cleanPath, globMatch, isAbsPath, isValidGlob } from './paths';

describe('cleanPath (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['.', '.'],
    ['/', '/'],
    ['//', '/'],
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/somedir/../otherdir/', '/otherdir'],
    ['/..', '/'],
    ['/../../a', '/a'],
    ['a/../..', '..'],
    ['a/b/../c', 'a/c'],
    ['../a', '../a'],
    ['./a/', 'a'],
    ['abc', 'abc'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });

  it('isAbsPath is true only for a leading slash', () => {
    expect(isAbsPath('/a')).toBe(true);
    expect(isAbsPath('a/b')).toBe(false);
    expect(isAbsPath('')).toBe(false);
  });
});

describe('globMatch (Go path.Match)', () => {
  it.each([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['*', 'a/b', false],
    ['/a/*', '/a/b', true],
    ['/a/*', '/a/b/c', false],
    ['/a/*', '/a', false],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['[abc]', 'b', true],
    ['[^abc]', 'b', false],
    ['[^abc]', 'd', true],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['*.txt', 'file.txt', true],
    ['*.txt', 'file.TXT', false],
    ['[', 'a', false],
    ['é*', 'école', true],
  ])('%j matches %j: %s', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });

  it.each(['*.txt', '[a-z]*', '\\*', '?', 'a[^x]b', 'file'])('%j is a valid pattern', (pattern) => {
    expect(isValidGlob(pattern)).toBe(true);
  });

  it.each(['[', '[]', '[a-', '[-a]', 'abc\\', '[x', 'a[b-]', '*[z'])(
    '%j is a malformed pattern',
    (pattern) => {
      expect(isValidGlob(pattern)).toBe(false);
    },
  );

  it.each([
    ['*/b', 'a/b', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['*x', 'xxx', true],
    ['a*', 'a/b', false],
    ['[\\]]', ']', true],
    ['[a\\-z]', '-', true],
    ['[a\\-z]', 'b', false],
    ['*[ab]', 'zzb', true],
  ])('follows Go for %j against %j: %s', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });

  it('does not backtrack exponentially on many stars', () => {
    expect(globMatch(`${'*a'.repeat(30)}*b`, 'a'.repeat(20_000))).toBe(false);
    expect(globMatch(`${'*a'.repeat(30)}*b`, `${'a'.repeat(20_000)}b`)).toBe(true);
  });

  it('reports a malformed tail even when the head does not match (as Go since 1.16)', () => {
    expect(isValidGlob('x[')).toBe(false);
    expect(globMatch('x[', 'abc')).toBe(false);
  });
});

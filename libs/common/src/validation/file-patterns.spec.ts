import {
  DENY_POLICY_DEFAULT,
  DENY_POLICY_HIDE,
  hasFilePatternsWithin,
  isFileAllowed,
  patternFilterForDir,
} from './file-patterns';

const allowed = { allowed: true, policy: DENY_POLICY_DEFAULT };
const denied = { allowed: false, policy: DENY_POLICY_DEFAULT };
const hidden = { allowed: false, policy: DENY_POLICY_HIDE };

describe('isFileAllowed', () => {
  it('allows everything without patterns', () => {
    expect(isFileAllowed({}, '/a/b.exe')).toEqual(allowed);
    expect(isFileAllowed({ file_patterns: [] }, '/a/b.exe')).toEqual(allowed);
  });

  it('allows paths no pattern set applies to, with policy 0', () => {
    const filters = { file_patterns: [{ path: '/docs', allowed_patterns: ['*.txt'], deny_policy: 1 }] };
    expect(isFileAllowed(filters, '/other/a.exe')).toEqual(allowed);
    expect(isFileAllowed(filters, '/a.exe')).toEqual(allowed);
    // The set on /docs decides for the entries of /docs, not for /docs itself.
    expect(isFileAllowed(filters, '/docs')).toEqual(allowed);
    expect(isFileAllowed(filters, '/docsx/a.exe')).toEqual(allowed);
  });

  it('uses the allowed patterns: a name matching none is refused', () => {
    const filters = { file_patterns: [{ path: '/docs', allowed_patterns: ['*.txt', '*.md'] }] };
    expect(isFileAllowed(filters, '/docs/a.txt')).toEqual(allowed);
    expect(isFileAllowed(filters, '/docs/b.md')).toEqual(allowed);
    expect(isFileAllowed(filters, '/docs/c.exe')).toEqual(denied);
    // Inherited by sub-directories (names of directories are checked too).
    expect(isFileAllowed(filters, '/docs/sub/d.txt')).toEqual(allowed);
    expect(isFileAllowed(filters, '/docs/sub/d.exe')).toEqual(denied);
    expect(isFileAllowed(filters, '/docs/sub')).toEqual(denied);
  });

  it('checks denied patterns before allowed ones', () => {
    const filters = {
      file_patterns: [
        { path: '/', allowed_patterns: ['*.txt'], denied_patterns: ['secret*'], deny_policy: 1 },
      ],
    };
    expect(isFileAllowed(filters, '/secret.txt')).toEqual(hidden);
    expect(isFileAllowed(filters, '/public.txt')).toEqual({ allowed: true, policy: DENY_POLICY_HIDE });
    expect(isFileAllowed(filters, '/public.exe')).toEqual(hidden);
  });

  it('allows what denied patterns do not match when there are no allowed patterns', () => {
    const filters = { file_patterns: [{ path: '/', denied_patterns: ['*.exe'] }] };
    expect(isFileAllowed(filters, '/a.txt')).toEqual(allowed);
    expect(isFileAllowed(filters, '/a/b/c.exe')).toEqual(denied);
  });

  it('lets the nearest directory with a set win, without merging with its ancestors', () => {
    const filters = {
      file_patterns: [
        { path: '/', denied_patterns: ['*.exe'] },
        { path: '/a/b', allowed_patterns: ['*.exe'], deny_policy: 1 },
        { path: '/a/b/c', denied_patterns: ['*.txt'] },
      ],
    };
    expect(isFileAllowed(filters, '/x.exe')).toEqual(denied);
    expect(isFileAllowed(filters, '/a/x.exe')).toEqual(denied);
    expect(isFileAllowed(filters, '/a/b/x.exe')).toEqual({ allowed: true, policy: DENY_POLICY_HIDE });
    expect(isFileAllowed(filters, '/a/b/x.txt')).toEqual(hidden);
    expect(isFileAllowed(filters, '/a/b/d/x.exe')).toEqual({ allowed: true, policy: DENY_POLICY_HIDE });
    // /a/b/c: only the deepest set counts, so *.exe is allowed there and *.txt denied.
    expect(isFileAllowed(filters, '/a/b/c/x.exe')).toEqual(allowed);
    expect(isFileAllowed(filters, '/a/b/c/x.txt')).toEqual(denied);
    // /a/b/c itself is an entry of /a/b: not an .exe, so hidden.
    expect(isFileAllowed(filters, '/a/b/c')).toEqual(hidden);
  });

  it('matches the lower-cased name (patterns are stored lower-cased)', () => {
    const filters = {
      file_patterns: [{ path: '/', allowed_patterns: ['*.jpg'], denied_patterns: ['raw*'] }],
    };
    expect(isFileAllowed(filters, '/PHOTO.JPG')).toEqual(allowed);
    expect(isFileAllowed(filters, '/Photo.Jpg')).toEqual(allowed);
    expect(isFileAllowed(filters, '/RAW.jpg')).toEqual(denied);
    // The directory part is never lower-cased for the lookup of the set: paths are case-sensitive.
    const sub = { file_patterns: [{ path: '/Docs', denied_patterns: ['*'] }] };
    expect(isFileAllowed(sub, '/Docs/a')).toEqual(denied);
    expect(isFileAllowed(sub, '/docs/a')).toEqual(allowed);
  });

  it('uses Go glob semantics: ?, classes, ranges, negation, escapes', () => {
    const set = (pattern: string) => ({ file_patterns: [{ path: '/', allowed_patterns: [pattern] }] });
    expect(isFileAllowed(set('file?.txt'), '/file1.txt').allowed).toBe(true);
    expect(isFileAllowed(set('file?.txt'), '/file10.txt').allowed).toBe(false);
    expect(isFileAllowed(set('[a-c]*'), '/apple').allowed).toBe(true);
    expect(isFileAllowed(set('[a-c]*'), '/cherry').allowed).toBe(true);
    expect(isFileAllowed(set('[a-c]*'), '/date').allowed).toBe(false);
    expect(isFileAllowed(set('[^a-c]*'), '/date').allowed).toBe(true);
    expect(isFileAllowed(set('[^a-c]*'), '/apple').allowed).toBe(false);
    expect(isFileAllowed(set('\\*.txt'), '/*.txt').allowed).toBe(true);
    expect(isFileAllowed(set('\\*.txt'), '/a.txt').allowed).toBe(false);
    expect(isFileAllowed(set('*'), '/anything at all').allowed).toBe(true);
  });

  it('matches the base name only: `*` never crosses `/`', () => {
    const filters = { file_patterns: [{ path: '/', denied_patterns: ['*/b.txt', 'a*'] }] };
    // `*/b.txt` could only match a name containing a slash, which a base name never has.
    expect(isFileAllowed(filters, '/x/b.txt')).toEqual(allowed);
    expect(isFileAllowed(filters, '/x/abc')).toEqual(denied);
    const allowedSlash = { file_patterns: [{ path: '/', allowed_patterns: ['x*'] }] };
    expect(isFileAllowed(allowedSlash, '/x/y')).toEqual({ allowed: false, policy: 0 });
  });

  it('denies everything when a denied pattern is malformed; a malformed allowed pattern allows nothing', () => {
    const badDenied = { file_patterns: [{ path: '/', denied_patterns: ['[a-'], deny_policy: 1 }] };
    expect(isFileAllowed(badDenied, '/a.txt')).toEqual(hidden);
    expect(isFileAllowed(badDenied, '/z')).toEqual(hidden);
    const badAllowed = { file_patterns: [{ path: '/', allowed_patterns: ['[a-', '*.txt'] }] };
    expect(isFileAllowed(badAllowed, '/a.txt')).toEqual(allowed);
    expect(isFileAllowed(badAllowed, '/a')).toEqual(denied);
  });

  it('always allows the root itself', () => {
    const filters = { file_patterns: [{ path: '/', allowed_patterns: ['*.txt'], deny_policy: 1 }] };
    expect(isFileAllowed(filters, '/')).toEqual(allowed);
  });
});

describe('patternFilterForDir', () => {
  const filters = {
    file_patterns: [
      { path: '/', denied_patterns: ['*.exe'] },
      { path: '/pics', allowed_patterns: ['*.jpg', '*.png'], deny_policy: 1 },
    ],
  };

  it('returns the set of the directory or of its nearest ancestor', () => {
    expect(patternFilterForDir(filters, '/pics')).toMatchObject({ path: '/pics', policy: DENY_POLICY_HIDE });
    expect(patternFilterForDir(filters, '/pics/2024')).toMatchObject({
      path: '/pics',
      policy: DENY_POLICY_HIDE,
    });
    expect(patternFilterForDir(filters, '/docs')).toMatchObject({ path: '/', policy: DENY_POLICY_DEFAULT });
    expect(patternFilterForDir(filters, '/')).toMatchObject({ path: '/', policy: DENY_POLICY_DEFAULT });
    expect(patternFilterForDir({}, '/')).toBeUndefined();
    expect(
      patternFilterForDir({ file_patterns: [{ path: '/a', denied_patterns: ['x'] }] }, '/b'),
    ).toBeUndefined();
  });

  it('answers for entry names as isFileAllowed does for their paths', () => {
    const pics = patternFilterForDir(filters, '/pics');
    expect(pics?.allows('A.JPG')).toBe(true);
    expect(pics?.allows('a.gif')).toBe(false);
    const root = patternFilterForDir(filters, '/');
    expect(root?.allows('setup.EXE')).toBe(false);
    expect(root?.allows('pics')).toBe(true);
    for (const [dir, name] of [
      ['/pics', 'a.gif'],
      ['/pics', 'b.png'],
      ['/', 'x.exe'],
      ['/other', 'y.txt'],
    ]) {
      expect(patternFilterForDir(filters, dir)?.allows(name)).toBe(
        isFileAllowed(filters, `${dir === '/' ? '' : dir}/${name}`).allowed,
      );
    }
  });
});

describe('hasFilePatternsWithin', () => {
  const filters = { file_patterns: [{ path: '/a/b', denied_patterns: ['*.exe'] }] };

  it('is true when a set is on the directory, an ancestor or below it', () => {
    expect(hasFilePatternsWithin(filters, '/a/b')).toBe(true);
    expect(hasFilePatternsWithin(filters, '/a/b/c')).toBe(true);
    expect(hasFilePatternsWithin(filters, '/a')).toBe(true);
    expect(hasFilePatternsWithin(filters, '/')).toBe(true);
  });

  it('is false elsewhere and without patterns', () => {
    expect(hasFilePatternsWithin(filters, '/x')).toBe(false);
    expect(hasFilePatternsWithin(filters, '/a/bc')).toBe(false);
    expect(hasFilePatternsWithin({}, '/')).toBe(false);
  });
});

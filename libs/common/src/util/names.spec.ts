import { convertName, NamingRule, nameProblem } from './names';

const INVALID =
  'Invalid input. Slashes (/ ), colons (:), control characters, and reserved system names are not allowed';

describe('convertName', () => {
  const raw = '  MiXed.Name  ';

  it.each([
    [0, '  MiXed.Name  '],
    [1, '  MiXed.Name  '],
    [2, '  mixed.name  '],
    [3, '  mixed.name  '],
    [4, 'MiXed.Name'],
    [5, 'MiXed.Name'],
    [6, 'mixed.name'],
    [7, 'mixed.name'],
  ])('with rules %i gives %j', (rules, expected) => {
    expect(convertName(raw, rules)).toBe(expected);
  });

  it('exposes the SFTPGo bit values', () => {
    expect(NamingRule).toEqual({ AllowUtf8: 1, LowerCase: 2, TrimSpaces: 4 });
  });

  it('lower-cases non-ASCII letters too', () => {
    expect(convertName('ÉLÈVE', NamingRule.LowerCase)).toBe('élève');
  });

  it('trims tabs and newlines as spaces', () => {
    expect(convertName('\tuser\n', NamingRule.TrimSpaces)).toBe('user');
  });
});

describe('nameProblem', () => {
  it('accepts an ordinary ASCII name with every allowed character', () => {
    expect(nameProblem('user-Name_1.x~y', 0)).toBeUndefined();
    expect(nameProblem('a', 0)).toBeUndefined();
  });

  it('reports an empty name as mandatory, naming the kind of object', () => {
    expect(nameProblem('', 0)).toBe('username is mandatory');
    expect(nameProblem('', 1, 'group name')).toBe('group name is mandatory');
  });

  it.each([
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a colon', 'a:b'],
    ['a NUL', 'a\u0000b'],
    ['a control character', 'a\u0001b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['a zero-width space', 'a\u200bb'],
    ['a BOM', '\ufeffab'],
    ['a line separator', 'a\u2028b'],
    ['a bidi override', 'a\u202eb'],
    ['a Windows wildcard', 'a*b'],
    ['a question mark', 'a?b'],
    ['a pipe', 'a|b'],
    ['angle brackets', 'a<b>'],
    ['a double quote', 'a"b'],
    ['a single dot', '.'],
    ['two dots', '..'],
    ['CON', 'CON'],
    ['lower-case con', 'con'],
    ['nul', 'nul'],
    ['com1.txt', 'com1.txt'],
    ['LPT9.tar.gz', 'LPT9.tar.gz'],
    ['a trailing dot', 'name.'],
    ['a trailing space', 'name '],
  ])('refuses a name with %s, for every naming rule', (_what, name) => {
    for (const rules of [0, 1, 5, 7]) expect(nameProblem(name, rules)).toBe(INVALID);
  });

  it.each(['console', 'com0', 'com10', 'lpt', 'auxiliary', 'xcon', 'prn-1'])(
    'accepts %s, which only resembles a reserved name',
    (name) => {
      expect(nameProblem(name, 0)).toBeUndefined();
    },
  );

  it('accepts up to 255 bytes and refuses 256', () => {
    expect(nameProblem('a'.repeat(255), 0)).toBeUndefined();
    expect(nameProblem('a'.repeat(256), 0)).toBe(INVALID);
  });

  it('counts bytes, not characters, for the length limit', () => {
    // 128 two-byte characters: 128 characters but 256 bytes.
    expect(nameProblem('é'.repeat(127), 1)).toBeUndefined();
    expect(nameProblem('é'.repeat(128), 1)).toBe(INVALID);
  });

  it('refuses non-ASCII names with SFTPGo text under rules 0 and accepts them under rule 1', () => {
    expect(nameProblem('jürgen', 0)).toBe(
      'username "jürgen" is not valid, the following characters are allowed: a-zA-Z0-9-_.~',
    );
    expect(nameProblem('jürgen', 4, 'name')).toBe(
      'name "jürgen" is not valid, the following characters are allowed: a-zA-Z0-9-_.~',
    );
    expect(nameProblem('jürgen', 1)).toBeUndefined();
    expect(nameProblem('用户', 5)).toBeUndefined();
  });

  it('refuses ASCII punctuation outside the allowed set unless UTF-8 is allowed', () => {
    for (const name of ['a b', 'a@b', 'a+b', 'a#b']) {
      expect(nameProblem(name, 0)).toMatch(/the following characters are allowed: a-zA-Z0-9-_\.~$/);
      expect(nameProblem(name, 1)).toBeUndefined();
    }
  });
});

import { parseGoQuery } from './query-string';

describe('parseGoQuery (Go url.ParseQuery)', () => {
  it('decodes + as a space and %XX escapes, keeping repeated keys in order', () => {
    expect({ ...parseGoQuery('path=/a+b%2Fc&x=1&x=2&flag') }).toEqual({
      path: '/a b/c',
      x: ['1', '2'],
      flag: '',
    });
    expect(parseGoQuery('path=%E2%82%AC%20%2B')).toMatchObject({ path: '€ +' });
    expect(parseGoQuery('path=caf%C3%A9&k%20ey=v')).toMatchObject({ path: 'café', 'k ey': 'v' });
  });

  it('drops pairs with a malformed escape or a semicolon, as Go does', () => {
    expect({ ...parseGoQuery('path=%zz&a=1') }).toEqual({ a: '1' });
    expect({ ...parseGoQuery('path=%4&b=2') }).toEqual({ b: '2' });
    expect({ ...parseGoQuery('a=1;b=2&c=3') }).toEqual({ c: '3' });
    expect({ ...parseGoQuery('%zz=1') }).toEqual({});
  });

  it('keeps non-ASCII text and replaces invalid UTF-8 bytes', () => {
    expect(parseGoQuery('path=/ü/日本')).toMatchObject({ path: '/ü/日本' });
    expect(parseGoQuery('path=🙂%20🙂')).toMatchObject({ path: '🙂 🙂' });
    expect(parseGoQuery('path=%FF')).toMatchObject({ path: '\uFFFD' });
    expect({ ...parseGoQuery('') }).toEqual({});
  });
});

import { parseBasicAuth } from './basic-auth';

function basic(credentials: string, scheme = 'Basic'): string {
  return `${scheme} ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

describe('parseBasicAuth', () => {
  it('decodes username and password', () => {
    expect(parseBasicAuth(basic('admin:s3cret'))).toEqual({ username: 'admin', password: 's3cret' });
  });

  it('splits at the first colon only: the password may contain colons', () => {
    expect(parseBasicAuth(basic('user:pa:ss:word'))).toEqual({ username: 'user', password: 'pa:ss:word' });
  });

  it('allows an empty password and an empty username', () => {
    expect(parseBasicAuth(basic('user:'))).toEqual({ username: 'user', password: '' });
    expect(parseBasicAuth(basic(':pwd'))).toEqual({ username: '', password: 'pwd' });
  });

  it('decodes UTF-8 credentials', () => {
    expect(parseBasicAuth(basic('jürgen:pässwörd'))).toEqual({ username: 'jürgen', password: 'pässwörd' });
  });

  it('accepts the scheme in any case and surrounding whitespace after the credentials', () => {
    expect(parseBasicAuth(basic('a:b', 'basic'))).toEqual({ username: 'a', password: 'b' });
    expect(parseBasicAuth(basic('a:b', 'BASIC'))).toEqual({ username: 'a', password: 'b' });
    expect(parseBasicAuth(`${basic('a:b')}  `)).toEqual({ username: 'a', password: 'b' });
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Bearer abc.def.ghi'],
    ['a scheme without credentials', 'Basic'],
    ['a scheme with only spaces', 'Basic   '],
    ['credentials without a colon', basic('justauser')],
    ['two credential tokens', `${basic('a:b')} ${basic('c:d')}`],
    ['no space after the scheme', `Basic${Buffer.from('a:b').toString('base64')}`],
  ])('returns undefined for %s', (_what, header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

import { contentTypeFor } from './content-type';

describe('contentTypeFor', () => {
  it('maps known extensions case-insensitively, anything else to a byte stream', () => {
    expect(contentTypeFor('X.PDF')).toBe('application/pdf');
    expect(contentTypeFor('a/b.txt')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('noext')).toBe('application/octet-stream');
  });
});

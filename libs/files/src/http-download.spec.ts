import {
  contentDisposition,
  evaluatePreconditions,
  ifRangeAllows,
  parseRange,
  weakEtag,
} from './http-download';

describe('http-download', () => {
  const v = { size: 11, mtime: Date.UTC(2024, 4, 1, 10, 20, 30, 500) };
  const lastModified = new Date(v.mtime).toUTCString();

  it('parses single byte ranges as Go does, refusing several ranges', () => {
    expect(parseRange(undefined, 11)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=2-', 11)).toEqual({ kind: 'partial', start: 2, end: 10 });
    expect(parseRange('bytes=2-4', 11)).toEqual({ kind: 'partial', start: 2, end: 4 });
    expect(parseRange('bytes=2-400', 11)).toEqual({ kind: 'partial', start: 2, end: 10 });
    expect(parseRange('bytes=-3', 11)).toEqual({ kind: 'partial', start: 8, end: 10 });
    expect(parseRange('bytes=-300', 11)).toEqual({ kind: 'partial', start: 0, end: 10 });
    expect(parseRange('bytes= 1 - 2 ', 11)).toEqual({ kind: 'partial', start: 1, end: 2 });
    for (const bad of [
      'bytes=0-1,2-3',
      'bytes=2b-',
      'bytes=11-',
      'bytes=4-2',
      'bytes=-0',
      'bits=0-1',
      'bytes=',
    ]) {
      expect({ bad, result: parseRange(bad, 11) }).toEqual({ bad, result: { kind: 'unsatisfiable' } });
    }
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('evaluates preconditions in RFC order at second precision', () => {
    const etag = weakEtag(v);
    expect(evaluatePreconditions({}, v)).toBe('proceed');
    expect(evaluatePreconditions({ 'if-none-match': etag }, v)).toBe('not-modified');
    expect(evaluatePreconditions({ 'if-none-match': `"x", ${etag.slice(2)}` }, v)).toBe('not-modified');
    expect(evaluatePreconditions({ 'if-none-match': '*' }, v)).toBe('not-modified');
    expect(evaluatePreconditions({ 'if-modified-since': lastModified }, v)).toBe('not-modified');
    // If-None-Match wins over If-Modified-Since.
    expect(evaluatePreconditions({ 'if-none-match': '"x"', 'if-modified-since': lastModified }, v)).toBe(
      'proceed',
    );
    const before = new Date(v.mtime - 120_000).toUTCString();
    expect(evaluatePreconditions({ 'if-unmodified-since': before }, v)).toBe('failed');
    expect(evaluatePreconditions({ 'if-unmodified-since': lastModified }, v)).toBe('proceed');
    expect(evaluatePreconditions({ 'if-match': '"nope"' }, v)).toBe('failed');
    expect(evaluatePreconditions({ 'if-modified-since': 'garbage' }, v)).toBe('proceed');
  });

  it('honours If-Range only for the same modification date', () => {
    expect(ifRangeAllows({}, v)).toBe(true);
    expect(ifRangeAllows({ 'if-range': lastModified }, v)).toBe(true);
    expect(ifRangeAllows({ 'if-range': new Date(v.mtime - 1000).toUTCString() }, v)).toBe(false);
    expect(ifRangeAllows({ 'if-range': weakEtag(v) }, v)).toBe(false);
  });

  it('always answers attachment, with a UTF-8 name when needed', () => {
    expect(contentDisposition('a.txt')).toBe('attachment; filename="a.txt"');
    expect(contentDisposition('a"b\\c')).toBe('attachment; filename="a\\"b\\\\c"');
    expect(contentDisposition('è.txt')).toBe(`attachment; filename="_.txt"; filename*=UTF-8''%C3%A8.txt`);
  });
});

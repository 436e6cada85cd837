import { bigintTransformer, jsonTransformer } from './transformers';

describe('bigintTransformer', () => {
  it('reads the strings of pg and mysql2 as numbers', () => {
    expect(bigintTransformer.from('1767225600123')).toBe(1767225600123);
    expect(bigintTransformer.from('0')).toBe(0);
    expect(bigintTransformer.from('-5')).toBe(-5);
  });

  it('keeps numbers as they are', () => {
    expect(bigintTransformer.from(42)).toBe(42);
  });

  it('keeps null and undefined', () => {
    expect(bigintTransformer.from(null)).toBeNull();
    expect(bigintTransformer.from(undefined)).toBeUndefined();
  });

  it('writes values unchanged', () => {
    expect(bigintTransformer.to(1767225600123)).toBe(1767225600123);
    expect(bigintTransformer.to(null)).toBeNull();
    expect(bigintTransformer.to(undefined)).toBeUndefined();
  });
});

describe('jsonTransformer', () => {
  interface Filters {
    allow_list: string[];
    limits?: { max: number };
  }

  const fallback = (): Filters => ({ allow_list: [] });
  const transformer = jsonTransformer<Filters>(fallback);

  it('round-trips a document', () => {
    const value: Filters = { allow_list: ['192.0.2.0/24'], limits: { max: 3 } };
    const stored = transformer.to(value) as string;
    expect(typeof stored).toBe('string');
    expect(JSON.parse(stored)).toEqual(value);
    expect(transformer.from(stored)).toEqual(value);
  });

  it('writes the fallback for null and undefined', () => {
    expect(transformer.to(null)).toBe('{"allow_list":[]}');
    expect(transformer.to(undefined)).toBe('{"allow_list":[]}');
  });

  it('reads the fallback for an empty or null column', () => {
    expect(transformer.from(null)).toEqual({ allow_list: [] });
    expect(transformer.from('')).toEqual({ allow_list: [] });
  });

  it('returns a fresh fallback every time, so callers cannot share mutations', () => {
    const a = transformer.from(null) as Filters;
    a.allow_list.push('x');
    expect(transformer.from(null)).toEqual({ allow_list: [] });
  });

  it('keeps falsy JSON values that are not the empty string', () => {
    const numbers = jsonTransformer<number>(() => 7);
    expect(numbers.from('0')).toBe(0);
    expect(numbers.to(0)).toBe('0');
    const lists = jsonTransformer<string[]>(() => ['default']);
    expect(lists.from('[]')).toEqual([]);
  });
});

import type { ValueTransformer } from 'typeorm';

/** `bigint` columns (epoch ms, sizes) come back as strings from pg and mysql2: read them as numbers. */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** A JSON document kept in a portable text column (`fallback` when the column is empty). */
export function jsonTransformer<T>(fallback: () => T): ValueTransformer {
  return {
    to: (value: T | null | undefined) => JSON.stringify(value ?? fallback()),
    from: (value: string | null) => (value ? (JSON.parse(value) as T) : fallback()),
  };
}

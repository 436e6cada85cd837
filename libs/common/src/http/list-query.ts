import { applyDecorators, Injectable, PipeTransform } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { BadRequestError } from '../errors/api-error';

/** Paging of every list endpoint: SFTPGo's `offset`, `limit` (default 100, at most 500), `order`. */
export interface ListQuery {
  offset: number;
  limit: number;
  order: 'ASC' | 'DESC';
}

/** SFTPGo caps larger limits silently. */
export const MAX_LIST_LIMIT = 500;
const DEFAULT_LIST_LIMIT = 100;

function integer(value: unknown, fallback: number, error: string): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^[+-]?\d+$/.test(value)) throw new BadRequestError(error);
  return Number(value);
}

/** Parses the list query parameters with SFTPGo's errors (`invalid limit`, `invalid offset`, `invalid order`). */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const limit = Math.min(integer(query.limit, DEFAULT_LIST_LIMIT, 'invalid limit'), MAX_LIST_LIMIT);
  const offset = integer(query.offset, 0, 'invalid offset');
  const order = query.order === undefined || query.order === '' ? 'ASC' : query.order;
  if (order !== 'ASC' && order !== 'DESC') throw new BadRequestError('invalid order');
  // SFTPGo returns an empty list for a limit <= 0 or a negative offset past the start.
  return { limit: Math.max(limit, 0), offset: Math.max(offset, 0), order };
}

/** Use as `@Query(ListQueryPipe) query: ListQuery` on list endpoints. */
@Injectable()
export class ListQueryPipe implements PipeTransform<Record<string, unknown>, ListQuery> {
  transform(query: Record<string, unknown>): ListQuery {
    return parseListQuery(query ?? {});
  }
}

/** OpenAPI documentation of the list parameters, for every list endpoint. */
export const ApiListQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'offset', required: false, type: 'integer' }),
    ApiQuery({ name: 'limit', required: false, type: 'integer', description: 'default 100, at most 500' }),
    ApiQuery({ name: 'order', required: false, enum: ['ASC', 'DESC'] }),
  );

import { BadRequestError, parseListQuery, ValidationError } from '@app/common';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { IpListType } from '../security.types';
import type { IpListPage } from './ip-lists.repository';

const LIST_TYPES = new Set<number>([
  IpListType.AllowList,
  IpListType.Defender,
  IpListType.RateLimiterSafeList,
]);

/** SFTPGo's `CheckIPListType`: undefined when valid, else the error detail. */
export function listTypeProblem(type: number): string | undefined {
  return LIST_TYPES.has(type) ? undefined : `invalid list type ${type}`;
}

/** The `{type}` path segment: 400 `invalid list type` when not a number, as SFTPGo's `strconv.Atoi`. */
@Injectable()
export class IpListTypePipe implements PipeTransform<string, IpListType> {
  transform(value: string): IpListType {
    if (!/^[+-]?\d{1,18}$/.test(value)) throw new BadRequestError('invalid list type');
    const type = Number(value);
    const problem = listTypeProblem(type);
    if (problem) throw new ValidationError(problem);
    return type as IpListType;
  }
}

/** The first value of a query parameter (Go's `Query().Get`). */
function first(value: unknown): string {
  const text: unknown = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' ? text : '';
}

/** `?filter=&from=&order=&limit=` with SFTPGo's errors (`invalid limit`, `invalid order`). */
@Injectable()
export class IpListPagePipe implements PipeTransform<Record<string, unknown>, IpListPage> {
  transform(query: Record<string, unknown>): IpListPage {
    const { limit, order } = parseListQuery(query ?? {});
    return { filter: first(query?.filter), from: first(query?.from), order, limit };
  }
}

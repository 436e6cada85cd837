import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ApiError, ValidationError } from '../errors/api-error';
import { createValidationPipe } from './validation';

class FiltersDto {
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allow_list?: string[];

  @IsOptional()
  @IsInt()
  @Min(0, { message: 'must not be negative' })
  max_sessions?: number;
}

class VirtualFolderDto {
  @IsString()
  @MinLength(1)
  name: string;
}

class SampleDto {
  @IsString()
  @MinLength(1)
  username: string;

  @IsInt()
  @Min(0)
  @Max(2)
  status: number;

  @IsOptional()
  @IsIn(['bcrypt', 'argon2id'])
  algo?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => FiltersDto)
  filters?: FiltersDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => VirtualFolderDto)
  virtual_folders?: VirtualFolderDto[];
}

const bodyOf = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function validate(value: unknown): Promise<unknown> {
  return createValidationPipe().transform(value, bodyOf(SampleDto));
}

async function failure(value: unknown): Promise<ValidationError> {
  try {
    await validate(value);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('validation unexpectedly passed');
}

describe('createValidationPipe', () => {
  it('returns an instance of the DTO for a valid body', async () => {
    const out = await validate({ username: 'alice', status: 1 });
    expect(out).toBeInstanceOf(SampleDto);
    expect(out).toEqual({ username: 'alice', status: 1 });
  });

  it('turns a bad field into a 400 ValidationError naming the field', async () => {
    const error = await failure({ username: 'alice', status: 7 });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.error.startsWith('Validation error: ')).toBe(true);
    expect(error.error).toContain('status');
    expect(error.body()).toEqual({ error: error.error, message: '' });
  });

  it('reports the first problem in SFTPGo style: "Validation error: <field> ..."', async () => {
    const error = await failure({ username: 42, status: 1 });
    expect(error.error).toMatch(/^Validation error: username must be /);
  });

  it('reports a missing required field', async () => {
    const error = await failure({ status: 1 });
    expect(error.error).toMatch(/^Validation error: username /);
  });

  it('strips unknown fields instead of refusing them', async () => {
    const out = await validate({ username: 'alice', status: 0, unknown_field: 'x', password_hash: '$2a$x' });
    expect(out).toEqual({ username: 'alice', status: 0 });
    expect(out).not.toHaveProperty('unknown_field');
  });

  it('strips unknown fields of nested objects', async () => {
    const out = await validate({ username: 'a', status: 0, filters: { allow_list: [], extra: true } });
    expect(out).toEqual({ username: 'a', status: 0, filters: { allow_list: [] } });
    expect((out as SampleDto).filters).toBeInstanceOf(FiltersDto);
  });

  it('names the nested path of a nested problem', async () => {
    const error = await failure({ username: 'alice', status: 1, filters: { allow_list: 'not-an-array' } });
    expect(error.error).toMatch(/^Validation error: filters\.allow_list /);
  });

  it('prefixes a custom message that does not start with the field with its path', async () => {
    const error = await failure({ username: 'alice', status: 1, filters: { max_sessions: -1 } });
    expect(error.error).toBe('Validation error: filters.max_sessions: must not be negative');
  });

  it('names the index of a problem in an array of nested objects', async () => {
    const error = await failure({
      username: 'alice',
      status: 1,
      virtual_folders: [{ name: 'ok' }, { name: '' }],
    });
    expect(error.error).toMatch(/^Validation error: virtual_folders\.1\.name /);
  });

  it('refuses a body that is not an object', async () => {
    for (const body of ['text', 42, []]) {
      const error = await failure(body);
      expect(error.status).toBe(400);
      expect(error.error.startsWith('Validation error: ')).toBe(true);
    }
  });
});

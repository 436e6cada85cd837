import { ApiError } from '@app/common';
import { ruleFor, ruleToWire, validateRetentionRules } from './retention-rules';

function validationError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    return (err as ApiError).error;
  }
  throw new Error('no error');
}

describe('validateRetentionRules', () => {
  it('cleans paths as SFTPGo and fills the flag', () => {
    expect(
      validateRetentionRules([
        { path: '/', retention: 24 },
        { path: 'sub/../other/', retention: 0, delete_empty_dirs: true },
        { path: '\\win\\dir', retention: 1 },
      ]),
    ).toEqual([
      { path: '/', retention: 24, deleteEmptyDirs: false },
      { path: '/other', retention: 0, deleteEmptyDirs: true },
      { path: '/win/dir', retention: 1, deleteEmptyDirs: false },
    ]);
  });

  it('refuses bad rules with SFTPGo-style validation errors', () => {
    expect(validationError(() => validateRetentionRules([{ path: '/', retention: -1 }]))).toBe(
      'Validation error: invalid folder retention -1, it must be an integer greater or equal to zero',
    );
    expect(validationError(() => validateRetentionRules([{ path: '/', retention: 1.5 }]))).toMatch(
      /invalid folder retention 1.5/,
    );
    expect(
      validationError(() =>
        validateRetentionRules([
          { path: '/a', retention: 1 },
          { path: '/a/', retention: 2 },
        ]),
      ),
    ).toBe('Validation error: duplicated folder path "/a"');
    expect(validationError(() => validateRetentionRules([{ path: '/a\u0000b', retention: 1 }]))).toMatch(
      /^Validation error: invalid folder path "\/a\\u0000b"/,
    );
    expect(validationError(() => validateRetentionRules([{ path: '/', retention: 0 }]))).toBe(
      'Validation error: nothing to delete!',
    );
    expect(validationError(() => validateRetentionRules([]))).toBe('Validation error: nothing to delete!');
    expect(
      validationError(() =>
        validateRetentionRules([{ path: '/', retention: 1, delete_empty_dirs: 'yes' as unknown as boolean }]),
      ),
    ).toMatch(/invalid delete_empty_dirs/);
    expect(
      validationError(() => validateRetentionRules([{ path: 3 as unknown as string, retention: 1 }])),
    ).toMatch(/invalid folder path 3/);
  });
});

describe('ruleFor', () => {
  const rules = validateRetentionRules([
    { path: '/', retention: 24 },
    { path: '/sub', retention: 0 },
    { path: '/sub/deep', retention: 2 },
  ]);

  it('picks the most specific rule, boundary-aware', () => {
    expect(ruleFor(rules, '/file')?.path).toBe('/');
    expect(ruleFor(rules, '/subway/x')?.path).toBe('/');
    expect(ruleFor(rules, '/sub/x')?.path).toBe('/sub');
    expect(ruleFor(rules, '/sub/deep/x/y')?.path).toBe('/sub/deep');
    expect(ruleFor(rules.slice(1), '/other')).toBeUndefined();
  });

  it('writes delete_empty_dirs only when set', () => {
    expect(ruleToWire({ path: '/a', retention: 1, deleteEmptyDirs: false })).toEqual({
      path: '/a',
      retention: 1,
    });
    expect(ruleToWire({ path: '/a', retention: 1, deleteEmptyDirs: true })).toEqual({
      path: '/a',
      retention: 1,
      delete_empty_dirs: true,
    });
  });
});

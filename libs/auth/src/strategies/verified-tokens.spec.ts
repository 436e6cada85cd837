import { createSecretKey } from 'node:crypto';
import { Strategy } from 'passport-jwt';

type Verifier = (
  token: string,
  key: unknown,
  options: unknown,
  callback: (error: Error | null, payload?: unknown) => void,
) => void;
const hook = Strategy as unknown as { JwtVerifier: Verifier };

describe('verified token cache (passport-jwt verifier hook)', () => {
  const original = hook.JwtVerifier;
  let calls: string[];
  let outcome: { error: Error | null; payload?: unknown };
  let cached: Verifier;

  beforeAll(async () => {
    hook.JwtVerifier = (token, _key, _options, callback) => {
      calls.push(token);
      callback(outcome.error, outcome.payload);
    };
    // Loaded after the fake verifier is in place: it wraps whatever the hook holds.
    await import('./verified-tokens');
    cached = hook.JwtVerifier;
  });
  afterAll(() => {
    hook.JwtVerifier = original;
    jest.useRealTimers();
  });
  beforeEach(() => {
    calls = [];
    jest.useFakeTimers({ now: 1_000_000_000_000 });
  });

  const verify = (token: string, key: object) =>
    new Promise<{ error: Error | null; payload?: unknown }>((resolve) =>
      cached(token, key, {}, (error, payload) => resolve({ error, payload })),
    );

  it('verifies a token once per key until its expiry, then again', async () => {
    const key = createSecretKey(Buffer.alloc(32, 1));
    const exp = Date.now() / 1000 + 60;
    outcome = { error: null, payload: { exp, username: 'u' } };
    expect((await verify('t1', key)).payload).toEqual({ exp, username: 'u' });
    expect((await verify('t1', key)).payload).toEqual({ exp, username: 'u' });
    expect(calls).toEqual(['t1']);
    // Another key (another application) does not share the entry.
    await verify('t1', createSecretKey(Buffer.alloc(32, 2)));
    expect(calls).toEqual(['t1', 't1']);
    // Past the expiry the real verifier decides again (and refuses).
    jest.setSystemTime(exp * 1000 + 1);
    outcome = { error: new Error('jwt expired') };
    expect((await verify('t1', key)).error?.message).toBe('jwt expired');
    expect(calls).toEqual(['t1', 't1', 't1']);
  });

  it('never remembers a failure', async () => {
    const key = createSecretKey(Buffer.alloc(32, 3));
    outcome = { error: new Error('invalid signature') };
    await verify('bad', key);
    await verify('bad', key);
    expect(calls).toEqual(['bad', 'bad']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './test-db';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server';

/** Options of {@link useTestServer}: those of the server, plus what else the set-up makes. */
export interface UseTestServerOptions extends TestServerOptions {
  /** Also get a token of the default admin once the server is up. */
  token?: boolean;
  /** Also make a temp dir with this name prefix (after the token), removed in `afterAll`. */
  tempDir?: string;
}

/** What {@link useTestServer} set up; each getter throws when read before `beforeAll` or when not asked for. */
export interface TestContext {
  readonly db: TestDatabase;
  readonly app: TestServer;
  /** The default admin's token (`token: true`). */
  readonly token: string;
  /** The temp dir (`tempDir`). */
  readonly root: string;
}

/**
 * Registers, in the current `describe` block, a `beforeAll` that creates a fresh database and starts a
 * server on it (then the admin token and the temp dir if asked for), and an `afterAll` that closes the
 * server, drops the database and removes the temp dir. Hooks the spec registers after this call run
 * after these ones (set-up and tear-down alike).
 */
export function useTestServer(options: UseTestServerOptions = {}): TestContext {
  const { token: wantToken, tempDir, ...serverOptions } = options;
  let db: TestDatabase | undefined;
  let app: TestServer | undefined;
  let token: string | undefined;
  let root: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestServer(db, serverOptions);
    if (wantToken) token = await app.token();
    if (tempDir !== undefined) root = mkdtempSync(join(tmpdir(), tempDir));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined, name: string, hint = ''): T => {
    if (value === undefined) throw new Error(`useTestServer: no ${name} yet${hint}`);
    return value;
  };
  return {
    get db() {
      return ready(db, 'db');
    },
    get app() {
      return ready(app, 'app');
    },
    get token() {
      return ready(token, 'token', wantToken ? '' : ' (pass `token: true`)');
    },
    get root() {
      return ready(root, 'root', tempDir !== undefined ? '' : ' (pass `tempDir`)');
    },
  };
}

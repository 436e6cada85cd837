import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../src/bootstrap';
import { send, type TestRequest, type TestResponse } from './http-client';
import type { TestDatabase } from './test-db';

export const ADMIN = { username: 'admin', password: 'password' };
export const PASSPHRASE = 'e2e-signing-passphrase';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The log destination of every server of this test file (the root logger is per process, so one
 * stream serves them all); it keeps the lines of the latest server started with `captureLogs`.
 */
let logTarget: string[] | undefined;
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logTarget?.push(chunk.toString('utf8'));
    done();
  },
});

/** Options of a test server. */
export interface TestServerOptions {
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>;
  /** Written as `sftpgo.json` in the config dir. */
  configFile?: unknown;
  /** Reuse a config dir (to restart on the same files). */
  configDir?: string;
  /** Collect the JSON logs (at the given level) instead of discarding them. */
  captureLogs?: 'debug' | 'info';
}

/** A running server built by the same bootstrap as `main.ts`, on a real port. */
export interface TestServer {
  server: RunningServer;
  url: string;
  port: number;
  configDir: string;
  /** Everything logged so far, when `captureLogs` was set. */
  logs(): string;
  request(path: string, options?: TestRequest): Promise<TestResponse>;
  /** An admin token for `username`/`password` (default: the first admin). */
  token(credentials?: { username: string; password: string }, localAddress?: string): Promise<string>;
  close(): Promise<void>;
}

/** The environment a test server starts with on `db`. */
export async function testEnv(
  db: TestDatabase,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    ...db.env,
    SFTPGO_HTTPD__BINDINGS__0__ADDRESS: '127.0.0.1',
    SFTPGO_HTTPD__BINDINGS__0__PORT: String(await freePort()),
    SFTPGO_HTTPD__SIGNING_PASSPHRASE: PASSPHRASE,
    SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: '1',
    SFTPGO_DEFAULT_ADMIN_USERNAME: ADMIN.username,
    SFTPGO_DEFAULT_ADMIN_PASSWORD: ADMIN.password,
    // Fast hashing keeps the suite quick; the algorithm is the production one.
    SFTPGO_DATA_PROVIDER__PASSWORD_HASHING__BCRYPT_OPTIONS__COST: '4',
    SFTPGO_LOG_LEVEL: process.env.SFTPGO_TEST_LOG_LEVEL ?? 'silent',
    ...extra,
  };
}

/** Starts a server on `db` with a temp config dir. */
export async function startTestServer(
  db: TestDatabase,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'sftpgo-cfg-'));
  if (options.configFile !== undefined) {
    writeFileSync(join(configDir, 'sftpgo.json'), JSON.stringify(options.configFile));
  }
  const env = await testEnv(db, {
    ...(options.captureLogs ? { SFTPGO_LOG_LEVEL: options.captureLogs } : {}),
    ...options.env,
  });
  const chunks: string[] = [];
  logTarget = options.captureLogs ? chunks : undefined;
  const server = await startServer({
    argv: ['--config-dir', configDir],
    env,
    cwd: configDir,
    logStream: logSink,
  });
  const binding = server.config.httpd.bindings[0];
  const url = `http://${binding.address}:${binding.port}`;
  const request = (path: string, opts?: TestRequest) => send(`${url}${path}`, opts);
  return {
    server,
    url,
    port: binding.port,
    configDir,
    logs: () => chunks.join(''),
    request,
    async token(credentials = ADMIN, localAddress) {
      const res = await request('/api/v2/token', { basic: credentials, localAddress });
      if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
      return res.json<{ access_token: string }>().access_token;
    },
    async close() {
      await server.close();
      if (!options.configDir) rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** The payload of a JWT, without verifying it. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

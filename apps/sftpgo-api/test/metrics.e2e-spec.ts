import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { send, type TestResponse } from './support/http-client';
import { useTestServer } from './support/lifecycle';
import { TEST_DRIVER } from './support/test-db';
import { ADMIN, freePort, startTestServer, type TestServer } from './support/test-server';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of a Prometheus text exposition (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample with exactly these labels (0 when absent: a counter not yet touched). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  const found = samples.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === wanted.length &&
      wanted.every(([key, value]) => s.labels[key] === value),
  );
  return found?.value ?? 0;
}

describe(`GET /metrics (${TEST_DRIVER})`, () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-metrics-' });

  /** Scrapes the default binding as the default admin. */
  async function scrape(app: TestServer = ctx.app, bearer = ctx.token): Promise<Sample[]> {
    const res = await app.request('/metrics', { bearer });
    expect(res.status).toBe(200);
    return parseMetrics(res.text);
  }

  /** Creates an admin and returns a token of theirs. */
  async function adminToken(username: string, permissions: string[], extra: object = {}): Promise<string> {
    const password = `${username}-Pa55!`;
    const created = await ctx.app.request('/api/v2/admins', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ username, password, status: 1, permissions, ...extra }),
    });
    expect(created.status).toBe(201);
    return ctx.app.token({ username, password });
  }

  describe('access', () => {
    it('is refused without credentials (401) and outside /api/v2 only', async () => {
      const res = await ctx.app.request('/metrics');
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('sftpgo_');
      expect((await ctx.app.request('/api/v2/metrics', { bearer: ctx.token })).status).toBe(404);
    });

    it('needs the view_status permission (403 without it)', async () => {
      const token = await adminToken('no-status', ['view_users']);
      const res = await ctx.app.request('/metrics', { bearer: token });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('sftpgo_');
    });

    it('serves the Prometheus text format to an admin with view_status, by token or API key', async () => {
      const token = await adminToken('status-viewer', ['view_status'], {
        filters: { allow_api_key_auth: true },
      });
      const res = await ctx.app.request('/metrics', { bearer: token });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
      const samples = parseMetrics(res.text);
      // prom-client's default process metrics, in this application's registry.
      expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
      expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);

      const created = await ctx.app.request('/api/v2/apikeys', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({ name: 'prometheus', scope: 1, admin: 'status-viewer' }),
      });
      expect(created.status).toBe(201);
      const key = created.json<{ key: string }>().key;
      const byKey = await ctx.app.request('/metrics', { headers: { 'X-SFTPGO-API-KEY': key } });
      expect(byKey.status).toBe(200);
      expect(byKey.text).toContain('sftpgo_http_req_total');
    });
  });

  it('is described by the served OpenAPI document, at /metrics', async () => {
    const doc = (await ctx.app.request('/openapi.json')).json<{
      paths: Record<string, { get?: { operationId?: string; responses: Record<string, unknown> } }>;
    }>();
    expect(doc.paths['/metrics']?.get?.operationId).toBe('get_metrics');
    expect(JSON.stringify(doc.paths['/metrics']?.get?.responses['200'])).toContain('text/plain');
    expect(doc.paths['/api/v2/metrics']).toBeUndefined();
  });

  describe('counters', () => {
    let userToken: string;

    beforeAll(async () => {
      userToken = await createUserWithToken(
        ctx.app,
        ctx.token,
        'metrics-user',
        join(ctx.root, 'metrics-user'),
      );
    });

    it('counts requests by method, route pattern and status (never the raw URL)', async () => {
      const before = await scrape();
      for (const name of ['nobody-1', 'nobody-2', 'nobody-3']) {
        expect((await ctx.app.request(`/api/v2/users/${name}`, { bearer: ctx.token })).status).toBe(404);
      }
      expect((await ctx.app.request('/api/v2/users/metrics-user', { bearer: ctx.token })).status).toBe(200);
      expect((await ctx.app.request('/api/v2/no/such/route-xyz')).status).toBe(404);
      const res = await ctx.app.request('/metrics', { bearer: ctx.token });
      const after = parseMetrics(res.text);

      const route = '/api/v2/users/:username';
      const delta = (name: string, labels: Record<string, string>) =>
        valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('sftpgo_http_req_total', { method: 'GET', route, status: '404' })).toBe(3);
      expect(delta('sftpgo_http_req_total', { method: 'GET', route, status: '200' })).toBe(1);
      expect(delta('sftpgo_http_req_duration_seconds_count', { method: 'GET', route })).toBe(4);
      expect(delta('sftpgo_http_req_duration_seconds_bucket', { method: 'GET', route, le: '+Inf' })).toBe(4);
      expect(delta('sftpgo_http_req_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
      // The raw URLs never become label values.
      expect(res.text).not.toContain('nobody-1');
      expect(res.text).not.toContain('route-xyz');
      expect(res.text).not.toContain('metrics-user');
    });

    it('counts an upload and a download with their bytes', async () => {
      const body = Buffer.alloc(1500, 'u');
      const before = await scrape();
      const uploaded = await userApiCall(
        ctx.app,
        userToken,
        'POST',
        'files/upload',
        { path: '/m.bin' },
        { body },
      );
      expect(uploaded.status).toBe(201);
      const downloaded = await userApiCall(ctx.app, userToken, 'GET', 'files', { path: '/m.bin' });
      expect(downloaded.status).toBe(200);
      expect(downloaded.raw.length).toBe(1500);
      // A transfer is counted when it is unregistered, which may come just after the response.
      const after = await eventually(async () => {
        const samples = await scrape();
        expect(valueOf(samples, 'sftpgo_transfers_total', { direction: 'download' })).toBe(
          valueOf(before, 'sftpgo_transfers_total', { direction: 'download' }) + 1,
        );
        return samples;
      });
      const delta = (name: string, labels: Record<string, string> = {}) =>
        valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('sftpgo_transfers_total', { direction: 'upload' })).toBe(1);
      expect(delta('sftpgo_upload_size')).toBe(1500);
      expect(delta('sftpgo_download_size')).toBe(1500);
      expect(valueOf(after, 'sftpgo_active_transfers', { direction: 'upload' })).toBe(0);
      expect(valueOf(after, 'sftpgo_active_transfers', { direction: 'download' })).toBe(0);
      const route = '/api/v2/user/files/upload';
      expect(delta('sftpgo_http_req_total', { method: 'POST', route, status: '201' })).toBe(1);
    });

    it('shows a transfer in progress in the active transfers gauge', async () => {
      // An upload whose body is still coming: the transfer is registered, not yet ended.
      const url = `${ctx.app.url}/api/v2/user/files/upload?path=${encodeURIComponent('/slow.bin')}`;
      const pending = new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${userToken}`, 'content-length': '2000' },
          agent: false,
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write(Buffer.alloc(1000, 's'));
        void eventually(async () => {
          expect(valueOf(await scrape(), 'sftpgo_active_transfers', { direction: 'upload' })).toBe(1);
        }).then(
          () => req.end(Buffer.alloc(1000, 's')),
          (err: unknown) => {
            req.destroy();
            reject(err as Error);
          },
        );
      });
      expect(await pending).toBe(201);
      await eventually(async () => {
        expect(valueOf(await scrape(), 'sftpgo_active_transfers', { direction: 'upload' })).toBe(0);
      });
    });

    it('counts failed logins by credential', async () => {
      const before = await scrape();
      const refused = await ctx.app.request('/api/v2/token', {
        basic: { username: 'admin', password: 'wrong' },
      });
      expect(refused.status).toBe(401);
      const badKey = await ctx.app.request('/api/v2/users', {
        headers: { 'X-SFTPGO-API-KEY': 'nokey.secret' },
      });
      // SFTPGo answers 400 for an unknown key; it is a refused credential all the same.
      expect(badKey.status).toBe(400);
      const after = await scrape();
      const delta = (labels: Record<string, string>) =>
        valueOf(after, 'sftpgo_login_ko_total', labels) - valueOf(before, 'sftpgo_login_ko_total', labels);
      expect(delta({ credential: 'basic' })).toBe(1);
      expect(delta({ credential: 'api_key' })).toBe(1);
    });
  });

  describe.each([
    ['memory', '127.0.0.7'],
    ['provider', '127.0.0.8'],
  ])('on a binding with public_metrics, with the %s defender on', (driver, attacker) => {
    let server: TestServer;
    let publicUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      server = await startTestServer(ctx.db, {
        env: {
          SFTPGO_HTTPD__BINDINGS__1__ADDRESS: '127.0.0.1',
          SFTPGO_HTTPD__BINDINGS__1__PORT: String(port),
          SFTPGO_HTTPD__BINDINGS__1__PUBLIC_METRICS: 'true',
          SFTPGO_COMMON__DEFENDER__ENABLED: 'true',
          SFTPGO_COMMON__DEFENDER__DRIVER: driver,
          SFTPGO_COMMON__DEFENDER__THRESHOLD: '3',
          SFTPGO_COMMON__DEFENDER__SCORE_LIMIT_EXCEEDED: '1',
          SFTPGO_COMMON__DEFENDER__LOGIN_DELAY__PASSWORD_FAILED: '0',
        },
      });
      publicUrl = `http://127.0.0.1:${port}`;
    });

    afterAll(async () => {
      await server?.close();
    });

    const scrapePublic = async (): Promise<TestResponse> => send(`${publicUrl}/metrics`);

    it('is open there without credentials, and still closed on the other binding', async () => {
      const res = await scrapePublic();
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
      expect(res.text).toContain('sftpgo_http_req_total');
      expect((await server.request('/metrics')).status).toBe(401);
      // public_metrics opens /metrics only, not the rest of the API.
      expect((await send(`${publicUrl}/api/v2/status`)).status).toBe(401);
    });

    it('counts the bans and shows the banned hosts', async () => {
      const before = parseMetrics((await scrapePublic()).text);
      expect(valueOf(before, 'sftpgo_defender_banned_hosts')).toBe(0);
      // Two unknown accounts (score 2 each) pass the threshold of 3: the attacker is banned.
      for (const username of ['ghost-1', 'ghost-2']) {
        const res = await server.request('/api/v2/token', {
          basic: { username, password: 'x' },
          localAddress: attacker,
        });
        expect(res.status).toBe(401);
      }
      expect((await server.request('/api/v2/token', { basic: ADMIN, localAddress: attacker })).status).toBe(
        403,
      );
      const after = parseMetrics((await scrapePublic()).text);
      expect(
        valueOf(after, 'sftpgo_defender_bans_total') - valueOf(before, 'sftpgo_defender_bans_total'),
      ).toBe(1);
      expect(valueOf(after, 'sftpgo_defender_banned_hosts')).toBe(1);
      expect(
        valueOf(after, 'sftpgo_login_ko_total', { credential: 'basic' }) -
          valueOf(before, 'sftpgo_login_ko_total', { credential: 'basic' }),
      ).toBe(2);
    });
  });
});

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { useTestServer } from './support/lifecycle';
import { multipart } from './support/multipart';
import { createUserWithToken, jsonBody, userPassword } from './support/user-fixtures';

const MB = 1_048_576;
const CHUNK = 65_536;

interface TransferWire {
  operation_type: string;
  path: string;
  start_time: number;
  size: number;
}

interface ConnectionWire {
  username: string;
  connection_id: string;
  client_version?: string;
  remote_address: string;
  connection_time: number;
  last_activity: number;
  current_time: number;
  protocol: string;
  command?: string;
  active_transfers?: TransferWire[];
}

/** How a request that is cut may end: a status and body, or a socket error. */
type Outcome = { status: number; text: string } | { error: string };

/** A request whose body the test sends chunk by chunk, with pauses. */
interface SlowRequest {
  req: ClientRequest;
  /** Writes a chunk and resolves once it is handed to the socket. */
  write(chunk: Buffer): Promise<void>;
  outcome: Promise<Outcome>;
}

describe('connections (/api/v2/connections)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-conns-' });

  const homeOf = (username: string) => join(ctx.root, 'home', username);
  const userWithToken = (username: string, extra: Record<string, unknown> = {}) =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  async function adminToken(username: string, permissions: string[], role?: string): Promise<string> {
    const password = `${username}-Pa55!`;
    const res = await ctx.app.request('/api/v2/admins', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ username, password, status: 1, permissions, ...(role ? { role } : {}) }),
    });
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      text: '',
    });
    return ctx.app.token({ username, password });
  }

  async function connections(token = ctx.token): Promise<ConnectionWire[]> {
    const res = await ctx.app.request('/api/v2/connections', { bearer: token });
    expect(res.status).toBe(200);
    return res.json<ConnectionWire[]>();
  }

  const closeConnection = (id: string, token = ctx.token) =>
    ctx.app.request(`/api/v2/connections/${encodeURIComponent(id)}`, { method: 'DELETE', bearer: token });

  async function userCounters(username: string) {
    const [row] = await ctx.db.query<Record<string, unknown>>(
      'SELECT used_quota_files, used_quota_size, used_upload_data_transfer, used_download_data_transfer ' +
        'FROM users WHERE username = ?',
      [username],
    );
    return {
      files: Number(row.used_quota_files),
      bytes: Number(row.used_quota_size),
      uploaded: Number(row.used_upload_data_transfer),
      downloaded: Number(row.used_download_data_transfer),
    };
  }

  function outcomeOf(req: ClientRequest): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', (err) => resolve({ error: err.message }));
      });
      req.on('error', (err) => resolve({ error: err.message }));
    });
  }

  /** Opens a request that announces `length` body bytes and sends none yet. */
  function slowRequest(
    method: string,
    url: string,
    headers: Record<string, string>,
    length: number,
  ): SlowRequest {
    const req = httpRequest(`${ctx.app.url}${url}`, {
      method,
      agent: false,
      headers: { ...headers, 'content-length': String(length) },
    });
    req.on('error', () => undefined);
    const outcome = outcomeOf(req);
    req.flushHeaders();
    return {
      req,
      outcome,
      write: (chunk) => new Promise<void>((resolve) => req.write(chunk, () => resolve())),
    };
  }

  const slowUpload = (token: string, path: string, length: number, userAgent = 'conn-test/1.0') =>
    slowRequest(
      'POST',
      `/api/v2/user/files/upload?path=${encodeURIComponent(path)}`,
      { authorization: `Bearer ${token}`, 'user-agent': userAgent },
      length,
    );

  /** Waits until `username` has one connection whose transfer moved `size` bytes; returns it. */
  async function connectionWithBytes(username: string, size: number): Promise<ConnectionWire> {
    return eventually(async () => {
      const mine = (await connections()).filter((c) => c.username === username);
      expect(mine).toHaveLength(1);
      expect(mine[0].active_transfers?.[0]?.size).toBe(size);
      return mine[0];
    });
  }

  async function noConnectionOf(username: string): Promise<void> {
    await eventually(async () =>
      expect((await connections()).filter((c) => c.username === username)).toEqual([]),
    );
  }

  /**
   * Starts a download whose client reads the first chunk, then stops reading (the server's sends back
   * up); `resume()` reads on and tells how the response ended.
   */
  function pausedDownload(method: string, url: string, token: string, body?: string) {
    const req = httpRequest(`${ctx.app.url}${url}`, {
      method,
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
    });
    let received = 0;
    let response: IncomingMessage | undefined;
    const ended = new Promise<{ complete: boolean; error?: string }>((resolve) => {
      req.on('response', (res) => {
        response = res;
        if (res.statusCode !== 200) resolve({ complete: false, error: `status ${res.statusCode}` });
        res.once('data', (chunk: Buffer) => {
          received += chunk.length;
          res.pause();
        });
        res.on('end', () => resolve({ complete: res.complete }));
        res.on('error', (err) => resolve({ complete: false, error: err.message }));
        res.on('aborted', () => resolve({ complete: false, error: 'aborted' }));
      });
      req.on('error', (err) => resolve({ complete: false, error: err.message }));
    });
    req.end(body);
    return {
      /** Reads on: the client gets what was already on its way, then the end (or the cut). */
      async resume() {
        response?.on('data', (chunk: Buffer) => (received += chunk.length));
        response?.resume();
        return { ...(await ended), received };
      },
    };
  }

  it('lists a slow upload with its bytes growing; closing it fails the upload and leaves nothing', async () => {
    const username = 'uploader';
    const token = await userWithToken(username, {
      quota_size: 10 * MB,
      quota_files: 10,
      upload_data_transfer: 100,
    });
    const kept = await ctx.app.request('/api/v2/user/files/upload?path=%2Fkeep.bin', {
      method: 'POST',
      bearer: token,
      body: Buffer.alloc(100, 1),
    });
    expect(kept.status).toBe(201);
    expect(await userCounters(username)).toMatchObject({ files: 1, bytes: 100 });

    for (const path of ['/new.bin', '/keep.bin']) {
      const before = await userCounters(username);
      const started = Date.now();
      const upload = slowUpload(token, path, 4 * CHUNK);
      await upload.write(Buffer.alloc(CHUNK, 2));
      const first = await connectionWithBytes(username, CHUNK);
      expect(first.connection_id).toMatch(/^HTTP_[0-9a-v]{20}$/);
      expect(first).toEqual({
        username,
        connection_id: first.connection_id,
        client_version: 'conn-test/1.0',
        remote_address: `127.0.0.1:${upload.req.socket?.localPort}`,
        connection_time: expect.any(Number),
        last_activity: expect.any(Number),
        current_time: expect.any(Number),
        protocol: 'HTTP',
        command: 'POST',
        active_transfers: [{ operation_type: 'upload', path, start_time: expect.any(Number), size: CHUNK }],
      });
      expect(first.connection_time).toBeGreaterThanOrEqual(started - 1000);
      expect(first.active_transfers?.[0].start_time).toBeGreaterThanOrEqual(first.connection_time);
      expect(first.last_activity).toBeGreaterThanOrEqual(first.active_transfers?.[0].start_time ?? 0);
      expect(first.current_time).toBeGreaterThanOrEqual(first.last_activity);
      // The upload goes to a temp file next to the target while it runs.
      expect(readdirSync(homeOf(username)).some((name) => name.startsWith('.sftpgo-upload'))).toBe(true);

      await new Promise((resolve) => setTimeout(resolve, 20));
      await upload.write(Buffer.alloc(CHUNK, 3));
      const second = await connectionWithBytes(username, 2 * CHUNK);
      expect(second.connection_id).toBe(first.connection_id);
      expect(second.last_activity).toBeGreaterThan(first.last_activity);

      const closed = await closeConnection(first.connection_id);
      expect({ status: closed.status, body: closed.json() }).toEqual({
        status: 200,
        body: { message: 'Connection closed' },
      });
      // The client stopped sending: it gets SFTPGo's 500 (the connection is closed after it).
      const outcome = await upload.outcome;
      expect(
        'status' in outcome ? { status: outcome.status, body: JSON.parse(outcome.text) as unknown } : outcome,
      ).toEqual({
        status: 500,
        body: { error: 'transfer aborted', message: `Error saving file "${path}"` },
      });
      await noConnectionOf(username);
      // No partial file, no temp file; the existing target is untouched.
      await eventually(() => expect(readdirSync(homeOf(username))).toEqual(['keep.bin']));
      expect(readFileSync(join(homeOf(username), 'keep.bin'))).toEqual(Buffer.alloc(100, 1));
      // Disk counters as before; the transfer quota is charged with the bytes received (SFTPGo).
      await eventually(async () =>
        expect(await userCounters(username)).toEqual({ ...before, uploaded: before.uploaded + 2 * CHUNK }),
      );
    }
    // Nothing is left registered: the same user uploads again.
    const again = await ctx.app.request('/api/v2/user/files/upload?path=%2Fok.bin', {
      method: 'POST',
      bearer: token,
      body: 'ok',
    });
    expect(again.status).toBe(201);
  });

  it('aborts the file in progress of a multipart upload; the files before it stay', async () => {
    const username = 'multi';
    const token = await userWithToken(username, { quota_files: 10 });
    const form = multipart([
      { field: 'filenames', filename: 'a.txt', content: 'first file' },
      { field: 'filenames', filename: 'b.bin', content: Buffer.alloc(4 * CHUNK, 5) },
    ]);
    const upload = slowRequest(
      'POST',
      '/api/v2/user/files',
      { authorization: `Bearer ${token}`, ...form.headers },
      form.body.length,
    );
    // Everything up to the middle of the second file.
    await upload.write(form.body.subarray(0, form.body.length - 2 * CHUNK));
    const conn = await eventually(async () => {
      const [mine] = (await connections()).filter((c) => c.username === username);
      expect(mine?.active_transfers?.[0]).toMatchObject({ operation_type: 'upload', path: '/b.bin' });
      expect(mine.active_transfers?.[0].size).toBeGreaterThan(0);
      return mine;
    });
    expect((await closeConnection(conn.connection_id)).status).toBe(200);
    const outcome = await upload.outcome;
    expect(
      'status' in outcome ? { status: outcome.status, body: JSON.parse(outcome.text) as unknown } : outcome,
    ).toEqual({ status: 500, body: { error: 'transfer aborted', message: 'Error saving file "/b.bin"' } });
    await noConnectionOf(username);
    await eventually(() => expect(readdirSync(homeOf(username))).toEqual(['a.txt']));
    await eventually(async () => expect(await userCounters(username)).toMatchObject({ files: 1, bytes: 10 }));
  });

  it('cuts a download in progress and refunds the transfer quota it did not send', async () => {
    const username = 'downloader';
    const token = await userWithToken(username, { download_data_transfer: 1000 });
    const size = 48 * MB;
    writeFileSync(join(homeOf(username), 'big.bin'), Buffer.alloc(size, 7));
    const before = await userCounters(username);

    const download = pausedDownload('GET', '/api/v2/user/files?path=%2Fbig.bin', token);
    const conn = await eventually(async () => {
      const mine = (await connections()).filter((c) => c.username === username);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ protocol: 'HTTP', command: 'GET' });
      expect(mine[0].active_transfers).toEqual([
        {
          operation_type: 'download',
          path: '/big.bin',
          start_time: expect.any(Number),
          size: expect.any(Number),
        },
      ]);
      expect(mine[0].active_transfers?.[0].size).toBeGreaterThan(0);
      expect(mine[0]).not.toHaveProperty('client_version'); // no User-Agent sent
      return mine[0];
    });
    expect((await closeConnection(conn.connection_id)).status).toBe(200);
    const result = await download.resume();
    expect(result.complete).toBe(false);
    expect(result.received).toBeLessThan(size);
    await noConnectionOf(username);
    await eventually(async () => {
      const after = await userCounters(username);
      // Charged with what was sent, never the whole file: the rest was refunded.
      expect(after.downloaded).toBeGreaterThan(before.downloaded);
      expect(after.downloaded).toBeLessThan(before.downloaded + size);
      expect({ files: after.files, bytes: after.bytes }).toEqual({
        files: before.files,
        bytes: before.bytes,
      });
    });
  });

  it('cuts a streamed zip in progress, its bytes counted while it runs', async () => {
    const username = 'zipper';
    const token = await userWithToken(username);
    const size = 48 * MB;
    writeFileSync(join(homeOf(username), 'big.bin'), Buffer.alloc(size, 9));
    const download = pausedDownload('POST', '/api/v2/user/streamzip', token, JSON.stringify(['/big.bin']));
    const conn = await eventually(async () => {
      const [mine] = (await connections()).filter((c) => c.username === username);
      expect(mine).toMatchObject({
        protocol: 'HTTP',
        command: 'POST',
        active_transfers: [{ operation_type: 'download', path: '/big.bin' }],
      });
      expect(mine.active_transfers?.[0].size).toBeGreaterThan(0);
      return mine;
    });
    expect((await closeConnection(conn.connection_id)).status).toBe(200);
    const result = await download.resume();
    expect(result.complete).toBe(false);
    expect(result.received).toBeLessThan(size);
    await noConnectionOf(username);
  });

  it('is described in the served OpenAPI document', async () => {
    const doc = (await ctx.app.request('/openapi.json')).json<{
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    expect(doc.paths['/api/v2/connections'].get.operationId).toBe('get_connections');
    expect(doc.paths['/api/v2/connections/{connectionID}'].delete.operationId).toBe('close_connection');
    expect(Object.keys(doc.components.schemas.ConnectionStatus.properties)).toEqual(
      expect.arrayContaining(['username', 'connection_id', 'remote_address', 'active_transfers']),
    );
    expect(Object.keys(doc.components.schemas.Transfer.properties).sort()).toEqual([
      'operation_type',
      'path',
      'size',
      'start_time',
    ]);
  });

  it('answers 404 for an unknown connection and ignores the node parameter', async () => {
    const res = await closeConnection('HTTP_unknown');
    expect({ status: res.status, body: res.json() }).toEqual({ status: 404, body: { message: 'Not Found' } });
    const other = await ctx.app.request('/api/v2/connections/HTTP_x?node=other', {
      method: 'DELETE',
      bearer: ctx.token,
    });
    expect(other.status).toBe(404);
  });

  it('does not list requests once they are done, nor token or admin requests', async () => {
    const token = await userWithToken('quick');
    const listed = await ctx.app.request('/api/v2/user/dirs', { bearer: token });
    expect(listed.status).toBe(200);
    await ctx.app.request('/api/v2/user/token', {
      basic: { username: 'quick', password: userPassword('quick') },
    });
    expect((await connections()).filter((c) => c.username === 'quick')).toEqual([]);
  });

  it('needs view_conns to list and close_conns to close', async () => {
    const viewer = await adminToken('viewer', ['view_conns']);
    const closer = await adminToken('closer', ['close_conns']);
    expect((await ctx.app.request('/api/v2/connections', { bearer: viewer })).status).toBe(200);
    expect((await ctx.app.request('/api/v2/connections', { bearer: closer })).status).toBe(403);
    expect((await closeConnection('HTTP_x', viewer)).status).toBe(403);
    expect((await closeConnection('HTTP_x', closer)).status).toBe(404);
    expect((await ctx.app.request('/api/v2/connections')).status).toBe(401);
  });

  it("shows a role admin only their role's connections and 404 for another's", async () => {
    expect(
      (
        await ctx.app.request('/api/v2/roles', {
          method: 'POST',
          bearer: ctx.token,
          ...jsonBody({ name: 'r1' }),
        })
      ).status,
    ).toBe(201);
    const roleAdmin = await adminToken('radmin', ['view_conns', 'close_conns'], 'r1');
    const inRole = await userWithToken('inrole', { role: 'r1' });
    const outside = await userWithToken('outside');
    const a = slowUpload(inRole, '/a.bin', 2 * CHUNK);
    const b = slowUpload(outside, '/b.bin', 2 * CHUNK);
    await a.write(Buffer.alloc(CHUNK));
    await b.write(Buffer.alloc(CHUNK));
    const mineA = await connectionWithBytes('inrole', CHUNK);
    const mineB = await connectionWithBytes('outside', CHUNK);

    const seen = await connections(roleAdmin);
    expect(seen.map((c) => c.username)).toEqual(['inrole']);
    const refused = await closeConnection(mineB.connection_id, roleAdmin);
    expect({ status: refused.status, body: refused.json() }).toEqual({
      status: 404,
      body: { message: 'Not Found' },
    });
    expect((await closeConnection(mineA.connection_id, roleAdmin)).status).toBe(200);
    expect((await closeConnection(mineB.connection_id)).status).toBe(200);
    await Promise.all([a.outcome, b.outcome]);
    await noConnectionOf('inrole');
    await noConnectionOf('outside');
  });

  it('closes the connections of a deleted user and of a user updated with disconnect=1', async () => {
    const kept = await userWithToken('updated');
    const upload = slowUpload(kept, '/u.bin', 2 * CHUNK);
    await upload.write(Buffer.alloc(CHUNK));
    await connectionWithBytes('updated', CHUNK);
    const user = (await ctx.app.request('/api/v2/users/updated', { bearer: ctx.token })).json();
    // Without disconnect=1 the connection stays.
    const plain = await ctx.app.request('/api/v2/users/updated', {
      method: 'PUT',
      bearer: ctx.token,
      ...jsonBody(user),
    });
    expect(plain.status).toBe(200);
    await connectionWithBytes('updated', CHUNK);
    const update = await ctx.app.request('/api/v2/users/updated?disconnect=1', {
      method: 'PUT',
      bearer: ctx.token,
      ...jsonBody(user),
    });
    expect(update.status).toBe(200);
    await upload.outcome;
    await noConnectionOf('updated');
    await eventually(() => expect(readdirSync(homeOf('updated'))).toEqual([]));

    const gone = await userWithToken('gone');
    const doomed = slowUpload(gone, '/g.bin', 2 * CHUNK);
    await doomed.write(Buffer.alloc(CHUNK));
    await connectionWithBytes('gone', CHUNK);
    expect(
      (await ctx.app.request('/api/v2/users/gone', { method: 'DELETE', bearer: ctx.token })).status,
    ).toBe(200);
    await doomed.outcome;
    await noConnectionOf('gone');
    await eventually(() => expect(readdirSync(homeOf('gone'))).toEqual([]));
  });

  it('lists a public share request as an HTTPShare connection of the owner', async () => {
    const owner = await userWithToken('sharer');
    const created = await ctx.app.request('/api/v2/user/shares', {
      method: 'POST',
      bearer: owner,
      ...jsonBody({ name: 'drop', scope: 2, paths: ['/'] }),
    });
    expect(created.status).toBe(201);
    const shareId = String(created.headers['x-object-id'] ?? created.headers.location?.split('/').pop());
    const upload = slowRequest('POST', `/api/v2/shares/${shareId}/s.bin`, {}, 2 * CHUNK);
    await upload.write(Buffer.alloc(CHUNK));
    const conn = await connectionWithBytes('sharer', CHUNK);
    expect(conn).toMatchObject({
      protocol: 'HTTPShare',
      command: 'POST',
      active_transfers: [{ operation_type: 'upload', path: '/s.bin', size: CHUNK }],
    });
    expect(conn.connection_id).toMatch(/^HTTPShare_[0-9a-v]{20}$/);
    expect((await closeConnection(conn.connection_id)).status).toBe(200);
    await upload.outcome;
    await noConnectionOf('sharer');
    await eventually(() => expect(readdirSync(homeOf('sharer'))).toEqual([]));
  });
});

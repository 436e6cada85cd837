#!/usr/bin/env node
// npm run bench: throughput and memory of the built server on this machine, against a raw
// node:http server as the ceiling. Loopback only, bounded in time. Needs `npm run build` first.
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { benchFiles } from './bench-files.mjs';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = new URL('../dist/apps/sftpgo-api/apps/sftpgo-api/src/main.js', import.meta.url).pathname;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ADMIN = { username: 'admin', password: 'bench-password' };

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function load(title, url, headers = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  const rps = result.requests.average;
  const bad = result.non2xx + result.errors;
  console.log(`${title.padEnd(34)} ${rps.toFixed(0).padStart(8)} req/s   p99 ${String(result.latency.p99).padStart(4)} ms   non-2xx/errors ${bad}`);
  return rps;
}

/** A raw node:http hello server in its own process, as the server under test runs in its own. */
async function rawBaseline() {
  const port = await freePort();
  const code = `require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/plain' }); r.end('ok'); }).listen(${port}, '127.0.0.1', () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const rps = await load('raw node:http hello (ceiling)', `http://127.0.0.1:${port}/`);
  child.kill();
  return rps;
}

async function startServer({ dir = mkdtempSync(join(tmpdir(), 'sftpgo-bench-')), env = {} } = {}) {
  const port = await freePort();
  // The V8 flags of `npm start` (package.json), so that the figures are those of the server as started.
  const startFlags = /node((?: --[\w-]+=\S+)*) /.exec(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start)[1].trim().split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...startFlags, MAIN, '--config-dir', dir], {
    env: {
      ...process.env,
      SFTPGO_HTTPD__BINDINGS__0__ADDRESS: '127.0.0.1',
      SFTPGO_HTTPD__BINDINGS__0__PORT: String(port),
      SFTPGO_HTTPD__SIGNING_PASSPHRASE: 'bench',
      SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: '1',
      SFTPGO_DEFAULT_ADMIN_USERNAME: ADMIN.username,
      SFTPGO_DEFAULT_ADMIN_PASSWORD: ADMIN.password,
      SFTPGO_LOG_LEVEL: 'warn',
      ...env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', // Node 20 is what this machine has
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child, dir };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the server did not start');
}


const LIST_USERS = Number(process.env.BENCH_USERS ?? 100_000);

/** Adds `count` users straight into the SQLite file (as a restore would), in one transaction. */
function seedUsers(file, count) {
  const db = new Database(file, { timeout: 10000 });
  const now = Date.now();
  const insert = db.prepare(
    'INSERT INTO users (username, status, home_dir, permissions, filesystem, filters, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const name = `bench-${String(i).padStart(6, '0')}`;
      insert.run(name, `/srv/${name}`, '{"/":["*"]}', '{"provider":0}', '{}', now, now);
    }
  })();
  db.close();
  return count;
}

/** Lets the bench admin use API keys and creates one bound to it (scope admin). */
async function adminApiKey(url, token) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const admin = await fetch(`${url}/api/v2/admins/${ADMIN.username}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ username: ADMIN.username, status: 1, permissions: ['*'], filters: { allow_api_key_auth: true } }),
  });
  if (admin.status !== 200) throw new Error(`allowing API keys: ${admin.status} ${await admin.text()}`);
  const created = await fetch(`${url}/api/v2/apikeys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', scope: 1, admin: ADMIN.username }),
  });
  if (created.status !== 201) throw new Error(`creating an API key: ${created.status} ${await created.text()}`);
  return (await created.json()).key;
}

/** The first 100 users, to compare the last page of a large table with. */
async function seedSmall(url, token) {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/api/v2/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: `a-${i}`, status: 1, home_dir: `/srv/a-${i}`, permissions: { '/': ['*'] } }),
    });
    if (res.status !== 201) throw new Error(`seeding users: ${res.status} ${await res.text()}`);
  }
}

async function main() {
  if (!existsSync(MAIN)) throw new Error('build first: npm run build');
  console.log(`bench: ${CONNECTIONS} connections, ${DURATION} s per case, loopback, node ${process.version}\n`);
  const ceiling = await rawBaseline();
  const { url, child, dir } = await startServer();
  try {
    const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
    const token = (await (await fetch(`${url}/api/v2/token`, { headers: { authorization: basic } })).json()).access_token;
    await seedSmall(url, token);
    const health = await load('GET /healthz', `${url}/healthz`);
    const version = await load('GET /api/v2/version (JWT checked)', `${url}/api/v2/version`, { authorization: `Bearer ${token}` });
    const apiKey = await adminApiKey(url, token);
    const versionKey = await load('GET /api/v2/version (API key)', `${url}/api/v2/version`, { 'x-sftpgo-api-key': apiKey });
    const tokens = await load('GET /api/v2/token (Basic, cached)', `${url}/api/v2/token`, { authorization: basic });
    const listFirst = await load('GET /api/v2/users (100 of 100)', `${url}/api/v2/users?limit=100`, {
      authorization: `Bearer ${token}`,
    });
    const inserted = seedUsers(join(dir, 'sftpgo.db'), LIST_USERS);
    const listDeep = await load(
      `GET /api/v2/users (last 100 of ${inserted + 100})`,
      `${url}/api/v2/users?limit=100&offset=${inserted}`,
      { authorization: `Bearer ${token}` },
    );
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
    console.log('\nratios against the raw node:http ceiling:');
    console.log(`  /healthz          ${(health / ceiling).toFixed(2)}`);
    console.log(`  /api/v2/version   ${(version / ceiling).toFixed(2)}`);
    console.log(`  API key vs JWT    ${(versionKey / version).toFixed(2)} (same request, the API key path against the JWT path)`);
    console.log(`  /api/v2/token     ${(tokens / ceiling).toFixed(2)}`);
    console.log(`  /api/v2/users     ${(listDeep / listFirst).toFixed(2)} (last page of ${inserted + 100} users against a list of 100)`);
    console.log(`server RSS after the run: ${rss.toFixed(0)} MiB`);
  } finally {
    await stopServer(child, dir);
  }
  await allowListCase();
  // The file API per storage provider, each on a fresh server so that its peak RSS is the transfers' own.
  const providers = (process.env.BENCH_PROVIDERS ?? 'local,crypt,s3').split(',').filter(Boolean);
  const s3 = providers.includes('s3') ? await startS3() : undefined;
  try {
    for (const provider of providers) {
      const files = await startServer();
      try {
        const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
        const token = (await (await fetch(`${files.url}/api/v2/token`, { headers: { authorization: basic } })).json()).access_token;
        await benchFiles({ url: files.url, pid: files.child.pid, token, freePort, provider, s3 });
      } finally {
        await stopServer(files.child, files.dir);
      }
    }
  } finally {
    await s3?.stop();
  }
}

/** s3rver (the tests' S3 server) in its own process, with a `bench` bucket, files in a temp dir. */
async function startS3() {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'sftpgo-bench-s3-'));
  // The DES shim of libs/storage/src/testing/s3-server.ts: s3rver's listing tokens need single DES.
  const shim = `const c = require('node:crypto'), { createCipheriv: e, createDecipheriv: d } = c, k3 = (k) => Buffer.concat([k, k, k]);
c.createCipheriv = (a, k, i) => (a === 'des' ? e('des-ede3-cbc', k3(k), i) : e(a, k, i));
c.createDecipheriv = (a, k, i) => (a === 'des' ? d('des-ede3-cbc', k3(k), i) : d(a, k, i));`;
  const code = `${shim}\nconst S3rver = require('s3rver'); new S3rver({ address: '127.0.0.1', port: ${port}, silent: true, directory: ${JSON.stringify(directory)}, configureBuckets: [{ name: 'bench' }] }).run().then(() => console.log('up'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function stopServer(child, dir, { keep = false } = {}) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const IP_ENTRIES = Number(process.env.BENCH_IP_ENTRIES ?? 100_000);

/** `IP_ENTRIES` allow-list entries (/32 and /24 networks of 10.0.0.0/8) straight into the SQLite file. */
function seedAllowList(file) {
  const db = new Database(file, { timeout: 10000 });
  const now = Date.now();
  const insert = db.prepare(
    'INSERT INTO ip_lists (type, ipornet, mode, protocols, ip_type, first, last, created_at, updated_at) VALUES (1, ?, 1, 0, 4, ?, ?, ?, ?)',
  );
  const hex = (n) => `00000000000000000000ffff${n.toString(16).padStart(8, '0')}`;
  db.transaction(() => {
    for (let i = 0; i < IP_ENTRIES; i++) {
      const net = i % 2 === 0 ? 32 : 24;
      const base = (0x0a000000 + i * 256) >>> 0;
      const size = net === 32 ? 1 : 256;
      const ip = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.');
      insert.run(`${ip}/${net}`, hex(base), hex(base + size - 1), now, now);
    }
    insert.run('127.0.0.0/8', hex(0x7f000000), hex(0x7fffffff), now, now);
  })();
  db.close();
}

/** `/healthz` with `common.allowlist_status` 1 and IP_ENTRIES entries (every request matched) vs without. */
async function allowListCase() {
  const first = await startServer();
  await stopServer(first.child, first.dir, { keep: true }); // migrated: the table exists
  seedAllowList(join(first.dir, 'sftpgo.db'));
  const run = async (title, env) => {
    const server = await startServer({ dir: first.dir, env });
    try {
      return await load(title, `${server.url}/healthz`);
    } finally {
      await stopServer(server.child, server.dir, { keep: true });
    }
  };
  try {
    const plain = await run('GET /healthz (allow list off)', {});
    const matched = await run(`GET /healthz (allow list, ${IP_ENTRIES + 1} entries)`, { SFTPGO_COMMON__ALLOWLIST_STATUS: '1' });
    console.log(`  allow list vs off  ${(matched / plain).toFixed(2)} (the same request, each matched against the list)`);
  } finally {
    rmSync(first.dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});

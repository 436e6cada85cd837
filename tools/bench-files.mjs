// The file-transfer part of `npm run bench`: our user file API against a minimal node:http server
// that pipes a request to a file and a file to a response (each in its own process, loopback only).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 7);
const SMALL = Buffer.alloc(4096, 9);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Small-file cases alternate ours and raw this many times; the medians are printed (a shared VM is noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BIG = Number(process.env.BENCH_BIG_BYTES ?? GIB);

const RAW_SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const root = process.argv[1];
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = path.join(root, path.basename(url.searchParams.get('path') || 'f'));
  if (req.method === 'POST') {
    const out = fs.createWriteStream(file + '.tmp');
    req.pipe(out);
    out.on('finish', () => fs.rename(file + '.tmp', file, () => { res.writeHead(201); res.end('{}'); }));
  } else if (url.pathname === '/list') {
    const dir = path.join(root, 'many');
    const entries = fs.readdirSync(dir).map((name) => { const s = fs.statSync(path.join(dir, name)); return { name, size: s.size, mode: s.mode, last_modified: s.mtime }; });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(entries));
  } else {
    fs.stat(file, (err, st) => {
      if (err) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'content-length': st.size });
      fs.createReadStream(file).pipe(res);
    });
  }
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('up'));
`;

/**
 * The S3 ceiling: a minimal node:http server that streams a request body to S3 (one PutObject
 * below 5 MiB, else lib-storage's multipart Upload, as our server does) and an object to a response.
 */
const RAW_S3_SERVER = `
const http = require('node:http');
const { S3Client, GetObjectCommand, PutObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');
const [endpoint, port] = process.argv.slice(1);
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
const Bucket = 'bench';
http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    const Key = 'raw/' + (url.searchParams.get('path') || 'f').replace(/^\\/+/, '');
    if (req.method === 'POST') {
      const length = Number(req.headers['content-length']);
      if (length < 5 * 1024 * 1024) {
        const chunks = []; for await (const c of req) chunks.push(c);
        await client.send(new PutObjectCommand({ Bucket, Key, Body: Buffer.concat(chunks) }));
      } else {
        await new Upload({ client, params: { Bucket, Key, Body: req }, partSize: 5 * 1024 * 1024, queueSize: 5 }).done();
      }
      res.writeHead(201); res.end('{}');
    } else if (url.pathname === '/list') {
      const out = []; let ContinuationToken;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'raw/many/', Delimiter: '/', ContinuationToken }));
        for (const o of page.Contents || []) out.push({ name: o.Key.slice(9), size: o.Size, last_modified: o.LastModified });
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(out));
    } else {
      const object = await client.send(new GetObjectCommand({ Bucket, Key }));
      res.writeHead(200, { 'content-length': object.ContentLength });
      object.Body.pipe(res);
    }
  } catch (err) { res.writeHead(500); res.end(String(err)); }
}).listen(Number(port), '127.0.0.1', () => console.log('up'));
`;

function peakRssMiB(pid) {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

function upload(url, bytes, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', headers: { 'content-length': bytes, ...headers }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`upload: ${res.statusCode}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function download(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    request(url, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes }) : reject(new Error(`download: ${res.statusCode}`))));
    }).on('error', reject).end();
  });
}

async function rps(url, options) {
  const result = await autocannon({ url, connections: 16, duration: Math.max(2, Math.round(SECONDS / 2)), ...options });
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** Requests per second of `count` GETs made one after the other (for slow cases). */
async function sequentialRate(url, { headers = {} } = {}, count = 3) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await download(url, headers);
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

const rate = (value) => value.toFixed(value < 10 ? 2 : 0);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs `ours` and `raw` alternately ROUNDS times; prints the medians and the median of the ratios. */
async function compare(title, ours, raw) {
  const o = [];
  const r = [];
  for (let i = 0; i < ROUNDS; i++) {
    o.push(await ours());
    r.push(await raw());
  }
  const ratio = median(o.map((value, i) => value / r[i]));
  console.log(
    `${title.padEnd(40)} ${rate(median(o)).padStart(8)} req/s   raw ${rate(median(r)).padStart(8)} req/s   ratio ${ratio.toFixed(2)}   (median of ${ROUNDS})`,
  );
}

const line = (title, ours, raw, unit) =>
  console.log(`${title.padEnd(40)} ${ours.toFixed(0).padStart(8)} ${unit}   raw ${raw.toFixed(0).padStart(8)} ${unit}   ratio ${(ours / raw).toFixed(2)}`);

/** The user's `filesystem` for a bench provider (`s3` needs the test S3 server's endpoint). */
function filesystemOf(provider, s3) {
  if (provider === 'crypt') return { provider: 4, cryptconfig: { passphrase: { status: 'Plain', payload: 'Bench#crypt-passphrase-9fK2!xQ' } } };
  if (provider === 's3') {
    return {
      provider: 1,
      s3config: { bucket: 'bench', region: 'us-east-1', endpoint: s3.endpoint, access_key: 'S3RVER', access_secret: { status: 'Plain', payload: 'S3RVER' }, key_prefix: 'ours/', force_path_style: true },
    };
  }
  return { provider: 0 };
}

/**
 * Runs the file cases against a started server (`url`, `pid`, an admin `token`, a `freePort`) for a
 * user on `provider` (local, crypt or s3; s3 needs `s3`, a running test S3 server with a `bench`
 * bucket). The raw ceiling is a node:http server on local disk (local, crypt) or streaming to the
 * same S3 server (s3).
 */
export async function benchFiles({ url, pid, token, freePort, provider = 'local', s3 }) {
  const home = mkdtempSync(join(tmpdir(), 'sftpgo-bench-home-'));
  const rawRoot = mkdtempSync(join(tmpdir(), 'sftpgo-bench-raw-'));
  const port = await freePort();
  const rawArgs = provider === 's3' ? ['-e', RAW_S3_SERVER, s3.endpoint, String(port)] : ['-e', RAW_SERVER, rawRoot, String(port)];
  const raw = spawn(process.execPath, rawArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  await new Promise((resolve) => raw.stdout.once('data', resolve));
  const rawUrl = `http://127.0.0.1:${port}`;
  try {
    const created = await fetch(`${url}/api/v2/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-files', password: 'bench-files-Pa55!', status: 1, home_dir: home, permissions: { '/': ['*'] }, filesystem: filesystemOf(provider, s3) }),
    });
    if (created.status !== 201) throw new Error(`creating the bench user: ${created.status} ${await created.text()}`);
    const basic = `Basic ${Buffer.from('bench-files:bench-files-Pa55!').toString('base64')}`;
    const userToken = (await (await fetch(`${url}/api/v2/user/token`, { headers: { authorization: basic } })).json()).access_token;
    const auth = { authorization: `Bearer ${userToken}` };
    console.log(`\nuser file API on ${provider} storage (big transfers: ${(BIG / GIB).toFixed(2)} GiB; small: 4 KiB at concurrency 16, ${ROUNDS} alternating rounds of ${Math.max(2, Math.round(SECONDS / 2))} s)`);

    const rssBefore = peakRssMiB(pid);
    const upOurs = await upload(`${url}/api/v2/user/files/upload?path=/big.bin`, BIG, auth);
    const peak = peakRssMiB(pid);
    const upRaw = await upload(`${rawUrl}/?path=big.bin`, BIG);
    line('upload, big file', BIG / upOurs / 2 ** 20, BIG / upRaw / 2 ** 20, 'MiB/s');
    const downOurs = await download(`${url}/api/v2/user/files?path=/big.bin`, auth);
    const downRaw = await download(`${rawUrl}/?path=big.bin`);
    line('download, big file', downOurs.bytes / downOurs.seconds / 2 ** 20, downRaw.bytes / downRaw.seconds / 2 ** 20, 'MiB/s');
    if (provider === 's3') {
      await fetch(`${url}/api/v2/user/files?path=/big.bin`, { method: 'DELETE', headers: auth });
    } else {
      rmSync(join(home, 'big.bin'), { force: true });
      rmSync(join(rawRoot, 'big.bin'), { force: true });
    }

    // New files (a fresh name per request), then overwrites of one file (synced before the rename here).
    const fresh = (prefix) => {
      let n = 0;
      return { requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}new-${n++}.bin` }) }] };
    };
    let round = 0;
    await compare(
      'upload, 4 KiB, new files',
      () => rps(`${url}/`, { method: 'POST', body: SMALL, headers: auth, ...fresh(`/api/v2/user/files/upload?path=/r${round++}-`) }),
      () => rps(`${rawUrl}/`, { method: 'POST', body: SMALL, ...fresh(`/?path=r${round++}-`) }),
    );
    // s3rver answers 500 to a HEAD racing a PUT of the same key: one key overwritten at concurrency 16
    // measures s3rver, not us; on S3 the small-file download case reads a file written once.
    if (provider === 's3') await upload(`${url}/api/v2/user/files/upload?path=/small.bin`, SMALL.length, auth);
    if (provider === 's3') await upload(`${rawUrl}/?path=small.bin`, SMALL.length);
    if (provider !== 's3') await compare(
      'upload, 4 KiB, overwrite',
      () => rps(`${url}/api/v2/user/files/upload?path=/small.bin`, { method: 'POST', body: SMALL, headers: auth }),
      () => rps(`${rawUrl}/?path=small.bin`, { method: 'POST', body: SMALL }),
    );
    await compare(
      'download, 4 KiB',
      () => rps(`${url}/api/v2/user/files?path=/small.bin`, { headers: auth }),
      () => rps(`${rawUrl}/?path=small.bin`),
    );

    if (provider === 's3') {
      // 1,000 small objects for each side, through the servers themselves.
      for (let i = 0; i < 1000; i++) {
        await upload(`${url}/api/v2/user/files/upload?path=/many/f-${i}.txt&mkdir_parents=true`, 1, auth);
        await upload(`${rawUrl}/?path=many/f-${i}.txt`, 1);
      }
    } else {
      for (const root of [home, rawRoot]) {
        mkdirSync(join(root, 'many'), { recursive: true });
        for (let i = 0; i < 1000; i++) writeFileSync(join(root, 'many', `f-${i}.txt`), 'x');
      }
    }
    // s3rver takes seconds per 1,000-key listing (it reads a metadata file per key): sequential requests
    // timed one by one there, autocannon elsewhere.
    const listRate = provider === 's3' ? sequentialRate : rps;
    await compare(
      'GET /user/dirs, 1,000 entries',
      () => listRate(`${url}/api/v2/user/dirs?path=/many`, { headers: auth }),
      () => listRate(`${rawUrl}/list`),
    );
    console.log(`server peak RSS: ${peak.toFixed(0)} MiB after the big upload (${rssBefore.toFixed(0)} MiB before)`);
  } finally {
    raw.kill();
    rmSync(home, { recursive: true, force: true });
    rmSync(rawRoot, { recursive: true, force: true });
  }
}

import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/** A response as a test reads it. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body's bytes (binary downloads, zips). */
  raw: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** Options of one request; `localAddress` picks the client IP (any 127.x.y.z on loopback). */
export interface TestRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  localAddress?: string;
  /** Shortcuts for `Authorization`. */
  bearer?: string;
  basic?: { username: string; password: string };
}

/** The request headers of `options`, with the `bearer`/`basic` shortcuts turned into `Authorization`. */
export function requestHeaders(
  options: Pick<TestRequest, 'headers' | 'bearer' | 'basic'>,
): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.basic) {
    const raw = `${options.basic.username}:${options.basic.password}`;
    headers.authorization = `Basic ${Buffer.from(raw).toString('base64')}`;
  }
  return headers;
}

/** Reads a whole response (HTTP or HTTPS) into a {@link TestResponse}. */
export function readResponse(res: IncomingMessage): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text,
        raw,
        json: <T>() => JSON.parse(text) as T,
      });
    });
  });
}

/** One HTTP request over a real socket (no mocks, no injection). */
export function send(url: string, options: TestRequest = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: requestHeaders(options),
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => readResponse(res).then(resolve, reject),
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

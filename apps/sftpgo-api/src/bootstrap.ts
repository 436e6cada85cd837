import { type SftpgoConfig, loadConfig } from '@app/config';
import { API_VERSION } from '@app/maintenance';
import { registerMetricsHooks } from '@app/metrics';
import { Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger, PinoLogger as PinoRoot } from 'nestjs-pino';
import { SecurityGate } from '@app/security';
import { AppModule } from './app.module';
import { HttpBindings } from './http/bindings';
import { MAX_REQUEST_SIZE, registerBodyParsers } from './http/body-parsers';
import { registerEdgeHooks } from './http/edge';
import { registerSecurityGate } from './http/security-gate';
import { parseGoQuery } from './http/query-string';
import { registerRequestLogging, requestId } from './logging';
import { setupOpenApi } from './openapi';

/** How long a shutdown waits for in-flight requests before cutting connections. */
const SHUTDOWN_GRACE_MS = 30_000;

/** Where the server comes from: command line, environment and working dir (defaults: this process). */
export interface StartOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Where the JSON logs go (default stdout); tests read them to prove what is never logged. As the
   * root logger is per process, only the first application's stream is used.
   */
  logStream?: NodeJS.WritableStream;
}

/** A started server. */
export interface RunningServer {
  app: NestFastifyApplication;
  config: SftpgoConfig;
  urls: string[];
  /** Graceful stop: no new connections, in-flight requests finish, then the database closes. */
  close(): Promise<void>;
  /**
   * Re-reads the HTTPS certificates, CAs and CRLs (SIGHUP) without dropping connections; returns
   * the errors of the bindings that kept their previous ones.
   */
  reloadCertificates(): Error[];
}

/** Builds and starts the server: the one bootstrap used by `main.ts` and by the e2e tests. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { config, warnings } = loadConfig(options);
  const bindings = new HttpBindings(config.httpd.bindings, config.httpd);
  const adapter = new FastifyAdapter({
    serverFactory: bindings.serverFactory,
    // Query strings read as SFTPGo (Go's url.ParseQuery) reads them.
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseGoQuery },
    bodyLimit: MAX_REQUEST_SIZE,
    trustProxy: false,
    logger: false,
    requestIdHeader: false,
    genReqId: requestId,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.logStream),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
      // Body parsing is ours (http/body-parsers.ts): JSON parsed, everything else streamed.
      bodyParser: false,
    },
  );
  try {
    app.useLogger(app.get(PinoLogger));
    // nestjs-pino keeps one root logger per process, built by the first application: set the level
    // of this one (the same in production, where a process runs one application).
    PinoRoot.root.level = config.logLevel;
    const logger = new Logger('Bootstrap');
    for (const warning of warnings) logger.warn(warning);
    app.setGlobalPrefix('api/v2', {
      exclude: [
        { path: 'healthz', method: RequestMethod.ALL },
        { path: 'metrics', method: RequestMethod.GET },
      ],
    });
    const fastify = app.getHttpAdapter().getInstance();
    registerSecurityGate(fastify, app.get(SecurityGate));
    registerEdgeHooks(fastify, config.httpd);
    registerBodyParsers(fastify);
    registerRequestLogging(fastify);
    registerMetricsHooks(app);
    fastify.addHook('onSend', async (request, reply) => {
      reply.header('server', `SFTPGo/${API_VERSION}`);
      reply.header('x-request-id', request.id);
    });
    setupOpenApi(app);
    await app.init();
    await fastify.ready();
    const urls = await bindings.listen();
    logger.log(`REST API listening on ${urls.join(', ')}`);
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await bindings.close(SHUTDOWN_GRACE_MS);
        await app.close();
      })());
    const reloadCertificates = () => bindings.reloadCertificates();
    return { app, config, urls, close, reloadCertificates };
  } catch (error) {
    await bindings.close(0);
    await app.close();
    throw error;
  }
}

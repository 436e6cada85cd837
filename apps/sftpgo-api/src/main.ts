import 'reflect-metadata';
import { startServer } from './bootstrap';

async function main(): Promise<void> {
  let server;
  try {
    server = await startServer();
  } catch (error) {
    process.stderr.write(`sftpgo-api: unable to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const running = server;
  // As SFTPGo: SIGHUP reloads the certificates (open connections keep theirs).
  process.on('SIGHUP', () => {
    for (const error of running.reloadCertificates()) {
      process.stderr.write(
        `sftpgo-api: certificate reload failed, keeping the previous ones: ${error.message}\n`,
      );
    }
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.close().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`sftpgo-api: shutdown failed: ${error.message}\n`);
          process.exit(1);
        },
      );
    });
  }
}

void main();

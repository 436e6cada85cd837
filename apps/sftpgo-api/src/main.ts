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

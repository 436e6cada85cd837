/**
 * Retries `check` (an assertion that throws until it holds) until it passes or `timeoutMs` runs out,
 * then throws its last error. For effects the server completes after the response (the clean-up of an
 * aborted upload): a fixed sleep fails on a loaded machine.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

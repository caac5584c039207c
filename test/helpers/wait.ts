/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Returns once the wall clock is past `moment`: for tests whose subject is time itself (cut-offs, ages). */
export async function untilClockPasses(moment: Date, timeoutMs = 30_000): Promise<void> {
  if (moment.getTime() - Date.now() > timeoutMs) throw new Error(`${moment.toISOString()} is more than ${timeoutMs} ms away`);
  await waitFor(async () => (Date.now() > moment.getTime() ? true : undefined), `the clock to pass ${moment.toISOString()}`, timeoutMs + 1000, 20);
}

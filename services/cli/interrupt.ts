import { AppError, ErrorCode } from '../../shared/errors';

let controller: AbortController | null = null;

/**
 * Aborted by the first Ctrl-C (SIGINT) or SIGTERM: a backup then stops with
 * nothing committed, a restore stops before its swap and cleans up, and the
 * run is recorded as failed. Further signals are ignored meanwhile, so the
 * clean-up is not cut short (SIGKILL still stops the process at once).
 */
export function interruptSignal(): AbortSignal {
  if (controller) return controller.signal;
  const own = new AbortController();
  controller = own;
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (own.signal.aborted) {
        process.stderr.write(`\nStill stopping safely; please wait.\n`);
        return;
      }
      process.stderr.write(`\nInterrupted (${name}): stopping safely…\n`);
      own.abort(new AppError(ErrorCode.Interrupted, `Interrupted by ${name}; nothing was committed`));
    });
  }
  return own.signal;
}

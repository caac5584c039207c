/**
 * Fault-test hook: a process started with KANBU_TEST_CRASH_AT=<point> dies at
 * once (SIGKILL to itself, no clean-up, no finally) when it reaches that point,
 * as a worker does when its machine loses power. Read from the environment on
 * purpose, not from the configuration: it is not a setting.
 */
export function crashPoint(point: string): void {
  if (process.env.KANBU_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

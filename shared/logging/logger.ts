import winston from 'winston';
import { redact } from './redact';

export type LogTag = 'Backup' | 'Restore' | 'Verify' | 'Prune' | 'Notify' | 'Scheduler' | 'API' | 'Worker' | 'Catalog' | 'Storage' | 'CLI' | 'Alerts';

export interface LoggingOptions {
  level: string;
  format: 'text' | 'json';
  /** Every level to stderr, keeping stdout for a command's output (the CLI). */
  stderrOnly?: boolean;
  /** No log output at all. */
  silent?: boolean;
}

const redactSecrets = winston.format((info) => {
  if (typeof info.message === 'string') info.message = redact(info.message);
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (typeof value === 'string' && key !== 'level') info[key] = redact(value);
  }
  return info;
});

const textLine = winston.format.printf((info) => {
  const { timestamp, level, message, tag, ...rest } = info;
  const meta = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${timestamp} ${level.toUpperCase().padEnd(5)} [${tag ?? 'App'}] ${message}${meta}`;
});

const root = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(redactSecrets(), winston.format.timestamp(), textLine),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
});

/** Applies the validated config; called once at start-up by each process. */
export function configureLogging(options: LoggingOptions): void {
  root.level = options.level;
  const line = options.format === 'json' ? winston.format.json() : textLine;
  root.format = winston.format.combine(redactSecrets(), winston.format.timestamp(), line);
  root.silent = options.silent ?? false;
  if (options.stderrOnly) {
    root.clear();
    root.add(new winston.transports.Console({ stderrLevels: Object.keys(root.levels) }));
  }
}

export type Logger = winston.Logger;

export function createLogger(tag: LogTag): Logger {
  return root.child({ tag });
}

import { minimatch } from 'minimatch';
import { posix } from 'node:path';

/** Never part of a source backup, at any depth: dependencies, VCS data, build output, logs, local secrets. */
export const DEFAULT_SOURCE_EXCLUDES = ['node_modules/', '.git/', 'dist/', '.next/', '.turbo/', 'coverage/', '*.log', '.env.local'];

interface Rule {
  glob: string;
  directoryOnly: boolean;
  /** Matched against the whole relative path instead of the last name. */
  anchored: boolean;
}

function toRule(pattern: string): Rule {
  const directoryOnly = pattern.endsWith('/');
  const body = pattern.replace(/\/+$/, '');
  const anchored = body.includes('/');
  return { glob: body.replace(/^\/+/, ''), directoryOnly, anchored };
}

/**
 * gitignore-like exclusion rules: `name/` is a directory of that name at any
 * depth, `*.log` a glob on the last name at any depth, and a pattern with a `/`
 * inside (`docs/private`, `/build`) a glob on the path from the root.
 */
export class ExcludeMatcher {
  private readonly rules: Rule[];

  constructor(readonly patterns: readonly string[]) {
    this.rules = patterns
      .map((p) => p.trim())
      .filter(Boolean)
      .map(toRule);
  }

  /** `relativePath` uses `/` and has no leading `./`. */
  excludes(relativePath: string, isDirectory: boolean): boolean {
    const name = posix.basename(relativePath);
    return this.rules.some((rule) => (!rule.directoryOnly || isDirectory) && minimatch(rule.anchored ? relativePath : name, rule.glob, { dot: true }));
  }
}

/** The default exclusions plus the comma-separated extra ones of BACKUP_SOURCE_EXCLUDE. */
export function sourceExcludes(extra: string | undefined, more: readonly string[] = []): ExcludeMatcher {
  const configured = (extra ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return new ExcludeMatcher([...DEFAULT_SOURCE_EXCLUDES, ...configured, ...more]);
}

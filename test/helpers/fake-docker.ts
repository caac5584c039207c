import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_ADMIN_URL } from '../../scripts/lib/services';

export interface FakeDockerAnswers {
  /** `docker ps --filter <filter>` → running container names. */
  ps?: Record<string, string[]>;
  /** `docker inspect … --format {{.State.Running}} <name>` → "true"/"false"; absent: no such container. */
  running?: Record<string, boolean>;
  /** `docker inspect … --format {{json .Config.Env}} <name>` → the container's environment. */
  env?: Record<string, string[]>;
}

export interface FakeDocker {
  dir: string;
  /** Every call's argv, one line each, arguments separated by spaces. */
  calls(): Promise<string[]>;
  /** The PG* environment `exec` received, as `NAME=value` lines, per exec. */
  execEnvs(): Promise<string[]>;
  remove(): Promise<void>;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A `docker` executable for tests (no Docker engine runs here): it logs its
 * argv, answers `ps` and `inspect` from `answers`, and runs `exec`'s command
 * for real against the test PostgreSQL, as if the container's local socket
 * were the test server. `-e NAME` flags are honoured the way docker does: the
 * value comes from the CLI's own environment, which the script records.
 */
export async function createFakeDocker(answers: FakeDockerAnswers): Promise<FakeDocker> {
  const dir = await mkdtemp(join(tmpdir(), 'kbt-docker-'));
  const server = new URL(PG_ADMIN_URL);
  const cases: string[] = [];
  for (const [filter, names] of Object.entries(answers.ps ?? {})) {
    cases.push(`  ${shellQuote(`ps --filter ${filter} --format {{.Names}}`)}) printf '%s\\n' ${names.map(shellQuote).join(' ')} ;;`);
  }
  for (const [name, running] of Object.entries(answers.running ?? {})) {
    cases.push(`  ${shellQuote(`inspect --type container --format {{.State.Running}} ${name}`)}) echo ${running} ;;`);
  }
  for (const [name, env] of Object.entries(answers.env ?? {})) {
    cases.push(`  ${shellQuote(`inspect --type container --format {{json .Config.Env}} ${name}`)}) echo ${shellQuote(JSON.stringify(env))} ;;`);
  }
  const script = `#!/bin/sh
printf '%s\\n' "$*" >> ${shellQuote(join(dir, 'calls.log'))}
case "$*" in
${cases.join('\n')}
  ps\\ *) ;;
  inspect\\ *) echo "Error: No such object: $(eval echo \\$$#)" >&2; exit 1 ;;
  exec\\ *)
    shift
    names=""
    while [ "$1" = "-e" ] || [ "$1" = "-i" ]; do
      if [ "$1" = "-i" ]; then shift; else names="$names $2"; shift 2; fi
    done
    shift
    for n in $names; do eval "printf '%s=%s\\n' $n \\"\\$$n\\""; done >> ${shellQuote(join(dir, 'exec-env.log'))}
    echo "--" >> ${shellQuote(join(dir, 'exec-env.log'))}
    PGHOST=${shellQuote(server.hostname)} PGPORT=${shellQuote(server.port || '5432')} exec "$@" ;;
  *) echo "fake docker: unexpected call: $*" >&2; exit 1 ;;
esac
`;
  await writeFile(join(dir, 'docker'), script);
  await chmod(join(dir, 'docker'), 0o755);
  const lines = async (file: string) => (await readFile(join(dir, file), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    dir,
    calls: () => lines('calls.log'),
    execEnvs: async () => (await readFile(join(dir, 'exec-env.log'), 'utf8').catch(() => '')).split('--\n').filter(Boolean),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

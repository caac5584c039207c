import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { childEnv, childOutputStream } from '../../shared/engine/process/child-output-stream';
import { AppError, ErrorCode } from '../../shared/errors';
import { waitFor } from '../helpers/wait';

describe('child output stream', () => {
  it('streams the output of a successful command', async () => {
    assert.equal(await text(childOutputStream('sh', ['-c', 'printf "a\\nb\\n"'], { label: 'sh' })), 'a\nb\n');
  });

  it('fails with the exit code and stderr when the command fails, even after some output', async () => {
    const stream = childOutputStream('sh', ['-c', 'echo partial; echo "FATAL: database \\"x\\" does not exist" >&2; exit 1'], { label: 'pg_dump' });
    await assert.rejects(text(stream), (err: AppError) => {
      assert.equal(err.code, ErrorCode.SourceFailed);
      assert.match(err.message, /pg_dump exited with code 1: FATAL: database "x" does not exist/);
      return true;
    });
  });

  it('keeps a failure that happens before anything consumes the stream for the consumer, instead of crashing', async () => {
    const stream = childOutputStream('sh', ['-c', 'echo "connection lost" >&2; exit 1'], { label: 'pg_dump' });
    await waitFor(async () => (stream.destroyed ? true : undefined), 'the child to fail', 10_000, 10);
    await assert.rejects(text(stream), /pg_dump exited with code 1: connection lost/);
  });

  it('treats an empty output as a failure, not as a 0-byte backup', async () => {
    await assert.rejects(text(childOutputStream('true', [], { label: 'pg_dump' })), /pg_dump produced no output/);
  });

  it('reports a missing executable clearly', async () => {
    await assert.rejects(text(childOutputStream('definitely-not-a-command-xyz', [], { label: 'pg_dump' })), /not installed or not on PATH/);
  });

  it('redacts secrets that the child prints', async () => {
    const stream = childOutputStream('sh', ['-c', 'echo "connect postgresql://u:topsecret@h/db failed" >&2; exit 2'], { label: 'pg_dump' });
    await assert.rejects(text(stream), (err: Error) => !err.message.includes('topsecret') && err.message.includes('u:***@'));
  });

  it('classifies retryable failures with the given rule', async () => {
    const stream = childOutputStream('sh', ['-c', 'echo "could not connect to server" >&2; exit 1'], {
      label: 'pg_dump',
      isRetryable: (e) => /could not connect/.test(e),
    });
    await assert.rejects(text(stream), (err: AppError) => err.retryable === true);
  });

  it('passes secrets to children through env, and not our own secrets', async () => {
    process.env.BACKUP_ADMIN_API_KEY = 'should-not-leak-1234567890';
    try {
      const env = childEnv({ PGPASSWORD: 'pw' });
      assert.equal(env.PGPASSWORD, 'pw');
      assert.equal(env.BACKUP_ADMIN_API_KEY, undefined);
      assert.ok(env.PATH);
      const out = await text(childOutputStream('sh', ['-c', 'echo "$PGPASSWORD|$BACKUP_ADMIN_API_KEY"'], { label: 'sh', env: { PGPASSWORD: 'pw' } }));
      assert.equal(out, 'pw|\n');
    } finally {
      delete process.env.BACKUP_ADMIN_API_KEY;
    }
  });
});

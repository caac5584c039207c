import { Writable } from 'node:stream';
import { extract } from 'tar';
import { AppError, ErrorCode } from '../../errors';

/**
 * Extracts a tar stream into `directory`, as a Node Writable that finishes only
 * when every entry is on disk. Absolute paths and `..` are stripped — absolute
 * link targets become relative — and nothing is written through a link (the tar
 * package's defaults), so a restored tree cannot reach outside itself; any
 * warning about a damaged entry or a refused path fails the extraction.
 */
export function tarExtractSink(directory: string): Writable {
  // tar's Unpack is an event emitter with write/end, not a Node stream: adapt it.
  // Not `strict`: that would also fail on informational notices; real warnings fail below.
  const unpack = extract({ cwd: directory, preserveOwner: false });
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
  };
  unpack.on('warn', (code: string, message: string) => {
    // Informational: e.g. an absolute link target made relative, which is the point of extracting safely.
    if (code !== 'TAR_ENTRY_INFO') fail(new AppError(ErrorCode.RestoreFailed, `tar: ${message}`));
  });
  unpack.on('error', (err: Error) => fail(err));
  return new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure);
      if (unpack.write(chunk)) callback();
      else unpack.once('drain', () => callback(failure));
    },
    final(callback) {
      if (failure) return callback(failure);
      unpack.once('close', () => callback(failure));
      unpack.end();
    },
    destroy(error, callback) {
      unpack.abort?.(error ?? new Error('extraction aborted'));
      callback(error);
    },
  });
}

import type { Writable } from 'node:stream';

/** Resolves once `stream` wants more data; rejects if it errors or closes first. */
export function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('the stream was closed'));
  return new Promise((resolve, reject) => {
    const settle = (err?: Error | null) => {
      stream.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(stream.errored ?? new Error('the stream closed before it took all data'));
    stream.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

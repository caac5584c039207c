import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageWriter } from './storage/storage-backend';
import { ByteCounter } from './transforms/byte-counter.transform';
import { Sha256Transform } from './transforms/sha256.transform';

export interface CreatePipelineInput {
  source: Readable;
  compressor: Duplex;
  /** Absent when backups are not encrypted. */
  encryptor?: Duplex;
  writer: StorageWriter;
  onSourceBytes?: (bytes: number) => void;
  /** Aborts the backup (nothing is committed), e.g. when its lock is lost; its reason is the error. */
  signal?: AbortSignal;
}

export interface CreatePipelineResult {
  sourceBytes: number;
  compressedBytes: number;
  storedBytes: number;
  /** SHA-256 of the compressed bytes, before encryption. */
  sha256: string;
}

/**
 * source → count → compress → hash → encrypt → storage, all streaming. The
 * write is committed only if every stage finished; otherwise it is aborted and
 * the error (e.g. pg_dump's stderr) is rethrown.
 */
export async function runCreatePipeline(input: CreatePipelineInput): Promise<CreatePipelineResult> {
  const counter = new ByteCounter((bytes) => input.onSourceBytes?.(bytes));
  const hasher = new Sha256Transform();
  const stages = [input.source, counter, input.compressor, hasher, ...(input.encryptor ? [input.encryptor] : []), input.writer.stream];
  try {
    await pipeline(stages, { signal: input.signal });
    input.signal?.throwIfAborted();
    const { sizeBytes } = await input.writer.commit({ sha256: hasher.hex() });
    return { sourceBytes: counter.bytes, compressedBytes: hasher.bytes, storedBytes: sizeBytes, sha256: hasher.hex() };
  } catch (caught) {
    // pipeline() rejects with a generic AbortError; the signal's reason says why.
    const err = input.signal?.aborted ? input.signal.reason : caught;
    await input.writer.abort(err);
    throw err;
  }
}

import { errorMessage } from '../../errors';
import type { CopyRotation } from './copy-plan';
import { rotationName, StagedCopy } from './reencrypt-copy';

/**
 * Puts every staged re-encryption in place of its original, one target after
 * the other. Each original but the last is first kept beside it (`duplicate`: a
 * hard link, a server-side copy), so that when a replace fails the copies
 * already replaced are put back and the backup is exactly as it was: all copies
 * under the old key. The last one needs no keeping: after it nothing can fail.
 * Kept originals and unused staged objects are removed before returning.
 */
export async function replaceAllCopies(staged: readonly StagedCopy[]): Promise<CopyRotation[]> {
  const results: CopyRotation[] = staged.map((s) => ({ target: s.copy.target, status: 'unchanged' }));
  const kept: (string | null)[] = staged.map(() => null);
  let failedAt = -1;
  for (const [i, s] of staged.entries()) {
    try {
      if (i < staged.length - 1) {
        kept[i] = rotationName(s.copy.location, 'kept');
        await s.storage.duplicate(s.copy.location, kept[i]!);
      }
      await s.storage.replace(s.staged, s.copy.location);
      results[i] = { target: s.copy.target, status: 'rotated' };
    } catch (err) {
      results[i] = { target: s.copy.target, status: 'failed', detail: errorMessage(err) };
      failedAt = i;
      break;
    }
  }
  if (failedAt >= 0) await putBack(staged.slice(0, failedAt), kept, results);
  const leftovers = staged.flatMap((s, i) => {
    const unused = failedAt >= 0 && i >= failedAt ? [s.staged] : [];
    const keptOriginal = kept[i] && results[i].status !== 'new_key' ? [kept[i]!] : [];
    return [...unused, ...keptOriginal].map((name) => s.storage.delete(name).catch(() => undefined));
  });
  await Promise.all(leftovers);
  return results;
}

/** Restores the kept originals of the copies already replaced; one that cannot be restored stays under the new key, its original kept. */
async function putBack(replaced: readonly StagedCopy[], kept: (string | null)[], results: CopyRotation[]): Promise<void> {
  for (const [i, s] of replaced.entries()) {
    try {
      await s.storage.replace(kept[i]!, s.copy.location);
      kept[i] = null;
      results[i] = { target: s.copy.target, status: 'unchanged', detail: 'put back' };
    } catch (err) {
      results[i] = {
        target: s.copy.target,
        status: 'new_key',
        detail: `it was replaced, verified, and could not be put back (${errorMessage(err)}); the original is kept as ${kept[i]}; run rotate-keys again to finish`,
      };
    }
  }
}

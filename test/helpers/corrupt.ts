import { open } from 'node:fs/promises';

/** Flips every bit of one byte of a file; writing a constant would change nothing where the byte already had that value. */
export async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    await handle.write(Buffer.from([byte[0] ^ 0xff]), 0, 1, offset);
  } finally {
    await handle.close();
  }
}

/**
 * The smallest tar that `docker cp` needs: one regular file in, one regular file out. It lets us
 * write into a container that isn't running and read from one whatever its state, through the
 * Docker API only (so remote hosts work), without temp files on the runner.
 */

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar archive holding one file (`name` is a bare file name), as a binary string. */
export function tarFile(name: string, content: string, mtimeSeconds: number): Buffer {
  if (!/^[\w.-]{1,99}$/.test(name)) throw new Error(`tar: unsupported file name ${name}`);
  const body = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 'ascii');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(body.length, 12), 124, 'ascii');
  header.write(octal(Math.floor(mtimeSeconds), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const pad = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK, 0);
  return Buffer.concat([header, body, pad, Buffer.alloc(BLOCK * 2, 0)]);
}

/** The content of the first regular file in a tar archive, or undefined when there is none. */
export function untarFirstFile(archive: Buffer): string | undefined {
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const size = parseInt(
      header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    const type = String.fromCharCode(header[156] ?? 0);
    const start = at + BLOCK;
    if (type === '0' || type === '\0')
      return archive.subarray(start, start + size).toString('utf8');
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarFile, untarFirstFile } from '@switchyard/targets/docker';

const MTIME = Date.UTC(2026, 0, 1) / 1000;

const CONTENTS: [string, string][] = [
  ['ASCII', 'live blue\npreview green\n'],
  ['UTF-8 multibyte', '{"actor":"Zoë Ångström","note":"→ grün ✓ 🚀"}\n'],
  ['empty', ''],
  ['exactly 512 bytes', 'x'.repeat(511) + '\n'],
  ['513 bytes', 'y'.repeat(513)],
  ['several blocks', 'backend be_blue\n'.repeat(200)],
];

/** Runs the system tar on an archive written to a temp file; returns its stdout. */
function systemTar(archive: Buffer, args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-tar-'));
  try {
    const file = join(dir, 'a.tar');
    writeFileSync(file, archive);
    return execFileSync('tar', [...args, file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tar header block of type `type` announcing `size` bytes, checksum filled in. */
function header(name: string, type: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 'ascii');
  h.write('0000644\0', 100, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\u000000', 257, 'ascii');
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}
const padded = (b: Buffer): Buffer =>
  Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512, 0)]);

describe('tarFile / untarFirstFile', () => {
  test.each(CONTENTS)('[%#] given %s content, the round trip returns it', (_name, content) => {
    const archive = tarFile('state.json', content, MTIME);
    expect(archive.length % 512).toBe(0);
    // Header, the body in whole blocks, two zero blocks at the end.
    const bodyBlocks = Math.ceil(Buffer.byteLength(content, 'utf8') / 512);
    expect(archive.length).toBe(512 * (1 + bodyBlocks + 2));
    expect(untarFirstFile(archive)).toBe(content);
  });

  test.each(CONTENTS)(
    '[%#] given %s content, survives the trip through a utf8 string (as Exec carries it)',
    (_name, content) => {
      const archive = tarFile('colors.map', content, MTIME);
      const carried = Buffer.from(archive.toString('utf8'), 'utf8');
      expect(carried.equals(archive)).toBe(true);
      expect(untarFirstFile(carried)).toBe(content);
    },
  );

  test.each(CONTENTS)(
    '[%#] given %s content, GNU tar reads the same bytes back',
    (_name, content) => {
      const archive = tarFile('haproxy.cfg', content, MTIME);
      expect(systemTar(archive, ['-xOf'])).toBe(content);
    },
  );

  test('GNU tar accepts the header (checksum, mode, size, mtime) and lists one regular file', () => {
    const content = 'héllo\n';
    // --utc and a fixed mtime make the listing independent of the machine's time zone.
    const listing = systemTar(tarFile('haproxy.cfg', content, MTIME), ['--utc', '-tvf']).trim();
    expect(listing.split('\n')).toHaveLength(1);
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 +7 2026-01-01 00:00 haproxy\.cfg$/);
  });

  test('the checksum field matches the header sum with the field taken as spaces', () => {
    const h = tarFile('state.json', 'x', MTIME).subarray(0, 512);
    const stored = parseInt(h.subarray(148, 154).toString('ascii'), 8);
    const blanked = Buffer.from(h);
    blanked.fill(0x20, 148, 156);
    expect(stored).toBe(blanked.reduce((a, b) => a + b, 0));
    expect(h.subarray(154, 156).toString('latin1')).toBe('\0 ');
  });

  test.each([['../etc/passwd'], ['dir/file'], [''], ['a'.repeat(100)], ['spaced name']])(
    '[%#] given the file name %o throws',
    (name) => {
      expect(() => tarFile(name, 'x', MTIME)).toThrow(`tar: unsupported file name ${name}`);
    },
  );
});

describe('untarFirstFile on archives it did not write', () => {
  test('skips a PAX extended header (type x) and returns the file after it', () => {
    const pax = Buffer.from('30 mtime=1767225600.123456789\n', 'ascii');
    const body = Buffer.from('live green\npreview blue\n', 'utf8');
    const archive = Buffer.concat([
      header('PaxHeaders.0/colors.map', 'x', pax.length),
      padded(pax),
      header('colors.map', '0', body.length),
      padded(body),
      Buffer.alloc(1024, 0),
    ]);
    expect(systemTar(archive, ['-xOf'])).toBe(body.toString('utf8')); // a valid archive
    expect(untarFirstFile(archive)).toBe('live green\npreview blue\n');
  });

  test('skips a directory entry (type 5) before the file', () => {
    const archive = Buffer.concat([
      header('switchyard/', '5', 0),
      header('state.json', '0', 2),
      padded(Buffer.from('{}')),
      Buffer.alloc(1024, 0),
    ]);
    expect(untarFirstFile(archive)).toBe('{}');
  });

  test('reads an old-style entry whose type flag is NUL', () => {
    const archive = Buffer.concat([
      header('a.txt', '\0', 3),
      padded(Buffer.from('abc')),
      Buffer.alloc(1024, 0),
    ]);
    expect(untarFirstFile(archive)).toBe('abc');
  });

  test.each([
    ['an all-zero archive', Buffer.alloc(1024, 0)],
    ['an empty buffer', Buffer.alloc(0)],
    ['a truncated header', Buffer.from('colors.map')],
    ['only a directory', Buffer.concat([header('d/', '5', 0), Buffer.alloc(1024, 0)])],
  ])('[%#] given %s returns undefined', (_name, archive) => {
    expect(untarFirstFile(archive)).toBeUndefined();
  });
});

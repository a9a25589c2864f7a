import { InputError } from '@switchyard/kit';
import type { CommandResult } from '../src/cli.js';
import { demo, parseEnvFile } from '../src/demo.js';

describe('demo: bad options', () => {
  test.each(['80', '65535', 'http', '18080.5'])(
    '[%#] --port %j is an input error before the testbed or any command',
    async (port) => {
      const calls: (readonly string[])[] = [];
      const written: string[] = [];
      const run = (argv: readonly string[]): Promise<CommandResult> => {
        calls.push(argv);
        return Promise.reject(new Error('no command may run'));
      };
      const error = await demo(new Map([['port', port]]), run, {
        root: '/nonexistent',
        stdout: (t) => written.push(t),
        stderr: (t) => written.push(t),
        color: false,
        columns: 100,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('port');
      expect(calls).toEqual([]);
      expect(written).toEqual([]);
    },
  );
});

describe('parseEnvFile', () => {
  test('KEY=value lines; values keep their = and spaces; other lines are skipped', () => {
    expect(
      parseEnvFile(
        'SWITCHYARD_REGISTRY=127.0.0.1:5000\n# a comment\nA_B=x=y z\nlower=no\n\nEMPTY=\n',
      ),
    ).toEqual({ SWITCHYARD_REGISTRY: '127.0.0.1:5000', A_B: 'x=y z', EMPTY: '' });
  });
});

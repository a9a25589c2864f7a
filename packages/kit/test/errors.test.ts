import { ConfigError, InputError, parseDuration } from '@switchyard/kit';

describe('InputError', () => {
  test.each<[InputError, string, string]>([
    [
      new InputError('timeout', '5x', 'is not a duration', 'Use 30s'),
      'input "timeout": "5x" is not a duration. Use 30s',
      '"5x" is not a duration. Use 30s',
    ],
    [new InputError('app', '', 'is required'), 'input "app": "" is required', '"" is required'],
    [
      new InputError('checks[0].port', 0, 'is out of range'),
      'input "checks[0].port": 0 is out of range',
      '0 is out of range',
    ],
  ])('[%#] %s', (error, message, detail) => {
    expect(error.message).toBe(message);
    expect(error.detail).toBe(detail);
    expect(error.name).toBe('InputError');
  });
});

describe('ConfigError', () => {
  test('names the file and the key path, and is an InputError', () => {
    const error = new ConfigError(
      'switchyard.yml',
      'production.port',
      '"x" is not a whole number',
      'x',
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ConfigError',
      message: 'switchyard.yml: production.port: "x" is not a whole number',
      input: 'production.port',
      file: 'switchyard.yml',
      detail: '"x" is not a whole number',
      value: 'x',
    });
    expect(String(error.stack)).toContain('switchyard.yml: production.port:');
  });

  test('a problem with the whole file leaves the path out', () => {
    expect(new ConfigError('deploy.yml', '', 'does not exist').message).toBe(
      'deploy.yml: does not exist',
    );
  });

  test('re-states an InputError raised with a key path as its name', () => {
    let caught: unknown;
    try {
      parseDuration('defaults.health.timeout', '5x');
    } catch (error) {
      caught = error;
    }
    const error = ConfigError.from('switchyard.yml', caught as InputError);
    expect(error.message).toBe(
      'switchyard.yml: defaults.health.timeout: "5x" is not a duration. Use a number with a unit: 500ms, 30s, 15m, 1h, 2d, or a sum like 1h30m',
    );
    expect(error.input).toBe('defaults.health.timeout');
    expect(error.value).toBe('5x');
  });
});

import { InputError } from '@switchyard/kit';
import {
  expandTemplate,
  parseLabelName,
  parseSelector,
  promDuration,
  quoteLabelValue,
  renderMatchers,
  templateVariables,
  withLabel,
  type Matcher,
} from '@switchyard/metrics';

const m = (label: string, op: Matcher['op'], value: string): Matcher => ({ label, op, value });

describe('parseSelector', () => {
  test.each<[string, Matcher[]]>([
    ['app="web"', [m('app', '=', 'web')]],
    ['app=web', [m('app', '=', 'web')]],
    ["app='web'", [m('app', '=', 'web')]],
    [
      'app="web",environment="production"',
      [m('app', '=', 'web'), m('environment', '=', 'production')],
    ],
    ['{app="web", color="green"}', [m('app', '=', 'web'), m('color', '=', 'green')]],
    ['  { app = "web" , color = green }  ', [m('app', '=', 'web'), m('color', '=', 'green')]],
    ['app!="web"', [m('app', '!=', 'web')]],
    ['color=~"blue|green"', [m('color', '=~', 'blue|green')]],
    ['color=~blue|green', [m('color', '=~', 'blue|green')]],
    ['path!~"/health.*"', [m('path', '!~', '/health.*')]],
    ['_private1=x', [m('_private1', '=', 'x')]],
    ['__name__="up"', [m('__name__', '=', 'up')]],
    ['msg="say \\"hi\\""', [m('msg', '=', 'say "hi"')]],
    ["msg='it\\'s'", [m('msg', '=', "it's")]],
    ['msg="it\'s"', [m('msg', '=', "it's")]],
    ['path=~"a\\\\.b"', [m('path', '=~', 'a\\.b')]],
    ['x="line\\nnext\\tcol"', [m('x', '=', 'line\nnext\tcol')]],
    ['x="a,b", y="{c}"', [m('x', '=', 'a,b'), m('y', '=', '{c}')]],
    ['x=""', [m('x', '=', '')]],
    ['app="web",', [m('app', '=', 'web')]],
    ['', []],
    ['   ', []],
    ['{}', []],
  ])('[%#] %s', (raw, expected) => {
    expect(parseSelector('selector', raw)).toEqual(expected);
  });

  test.each<[string, RegExp]>([
    ['app', /has "app" where a label matcher \(label="value"\) should be/],
    ['="web"', /has "="web"" where a label matcher/],
    ['1app="web"', /has "1app="web"" where a label matcher/],
    ['app<"web"', /where a label matcher/],
    ['app~="web"', /where a label matcher/],
    ['app=', /has no value after app=/],
    ['app=~', /has no value after app=~/],
    ['app="web', /has an unclosed quote after app=/],
    ["app='web", /has an unclosed quote after app=/],
    ['app="web\\"', /has an unclosed quote after app=/],
    ['app="web" color="blue"', /has "color="blue"" after app="web"/],
    ['app="web"}', /has "}" after app="web"/],
    ['{app="web"', /has "{app="web"" where a label matcher/],
    ['app="web",,color="blue"', /has ",color="blue"" where a label matcher/],
    [',app="web"', /where a label matcher/],
    ['app=w"eb"', /after app="w"/],
    ['app="web" or vector(1)', /has "or vector\(1\)" after app="web"/],
    ['app==web', /has no value after app=/],
    ['app=!web', /has no value after app=/],
  ])('[%#] %s is rejected', (raw, problem) => {
    let error: unknown;
    try {
      parseSelector('baseline-selector', raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    // Names the input and quotes what was given, then says what is accepted.
    expect(message.startsWith(`input "baseline-selector": ${JSON.stringify(raw)} `)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toContain('Write label matchers separated by commas');
    expect((error as InputError).input).toBe('baseline-selector');
  });
});

describe('parseLabelName', () => {
  test.each(['color', ' color ', '_x', 'a1'])('%o is a label name', (raw) => {
    expect(parseLabelName('color-label', raw)).toBe(raw.trim());
  });
  test.each(['', '1a', 'a-b', 'a.b', 'color="x"'])('%o is rejected', (raw) => {
    expect(() => parseLabelName('color-label', raw)).toThrow(
      /^input "color-label": .* is not a Prometheus label name/,
    );
  });
});

describe('quoting and rendering', () => {
  test.each([
    ['web', '"web"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\.b', '"a\\\\.b"'],
    ['two\nlines', '"two\\nlines"'],
    ["it's", '"it\'s"'],
  ])('quoteLabelValue(%o) = %s', (value, quoted) => {
    expect(quoteLabelValue(value)).toBe(quoted);
  });

  it('renders matchers without braces, in order', () => {
    expect(
      renderMatchers([
        m('app', '=', 'web'),
        m('color', '=~', 'blue|green'),
        m('path', '!~', '/health.*'),
        m('env', '!=', 'dev'),
      ]),
    ).toBe('app="web",color=~"blue|green",path!~"/health.*",env!="dev"');
    expect(renderMatchers([])).toBe('');
  });

  it('round-trips through parseSelector, odd characters included', () => {
    const matchers = [
      m('a', '=', 'plain'),
      m('b', '=~', 'x\\d+\\.y|"q"'),
      m('c', '!=', 'new\nline'),
      m('d', '!~', "it's, {braced}"),
      m('e', '=', ''),
    ];
    const text = renderMatchers(matchers);
    expect(parseSelector('selector', text)).toEqual(matchers);
    expect(parseSelector('selector', `{${text}}`)).toEqual(matchers);
  });
});

describe('withLabel', () => {
  it('replaces every matcher on the label with an equality, keeping the others', () => {
    const base = [m('app', '=', 'web'), m('color', '=~', 'blue|green'), m('color', '!=', 'red')];
    expect(withLabel(base, 'color', 'blue')).toEqual([
      m('app', '=', 'web'),
      m('color', '=', 'blue'),
    ]);
    // The input is not changed.
    expect(base).toHaveLength(3);
  });

  it('adds the label when absent', () => {
    expect(withLabel([m('app', '=', 'web')], 'color', 'green')).toEqual([
      m('app', '=', 'web'),
      m('color', '=', 'green'),
    ]);
    expect(withLabel([], 'color', 'green')).toEqual([m('color', '=', 'green')]);
  });
});

describe('promDuration', () => {
  test.each([
    [60_000, '1m'],
    [300_000, '5m'],
    [3_600_000, '60m'],
    [30_000, '30s'],
    [90_000, '90s'],
    [1_500, '1500ms'],
    [250, '250ms'],
  ])('%ims → %s', (ms, text) => {
    expect(promDuration(ms)).toBe(text);
  });
});

describe('templateVariables', () => {
  it('lists each $name once, in order of first use', () => {
    expect(
      templateVariables('max(rate(x{$selector}[$window])) / $cpu_limit + $cpu_limit * $selector'),
    ).toEqual(['selector', 'window', 'cpu_limit']);
  });

  it('ignores $ not followed by a name (regex anchors, $1)', () => {
    expect(
      templateVariables('label_replace(up{job=~"^api$"}, "dst", "$1", "src", "(.*)")'),
    ).toEqual([]);
  });
});

describe('expandTemplate', () => {
  const vars = {
    selector: 'app="web",color="green"',
    window: '1m',
    requests: 'http_requests_total',
    status_label: 'code',
  };

  it('fills every variable', () => {
    expect(
      expandTemplate(
        '(sum(rate($requests{$selector,$status_label=~"5.."}[$window])) or vector(0)) / sum(rate($requests{$selector}[$window]))',
        vars,
      ),
    ).toBe(
      '(sum(rate(http_requests_total{app="web",color="green",code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{app="web",color="green"}[1m]))',
    );
  });

  it('throws on an unknown variable, naming it', () => {
    expect(() => expandTemplate('x{$selector} / $memory_limit', vars)).toThrow(
      'unknown variable $memory_limit',
    );
  });

  it('inserts values literally (no $& replacement patterns)', () => {
    expect(expandTemplate('x{$selector}', { selector: 'a="$&$1$$"' })).toBe('x{a="$&$1$$"}');
  });

  test.each([
    ['x{$selector,code="500"}', 'x{code="500"}'],
    ['x{ $selector , code="500"}', 'x{code="500"}'],
    ['x{code="500",$selector}', 'x{code="500"}'],
    ['x{code="500", $selector }', 'x{code="500"}'],
    ['x{a="1",$selector,b="2"}', 'x{a="1",b="2"}'],
    ['x{$selector}', 'x{}'],
    [
      '(sum(rate(r{$selector,code=~"5.."}[$window])) or vector(0)) / sum(rate(r{$selector}[$window]))',
      '(sum(rate(r{code=~"5.."}[1m])) or vector(0)) / sum(rate(r{}[1m]))',
    ],
  ])('an empty $selector leaves no dangling comma: %s', (template, expected) => {
    expect(expandTemplate(template, { selector: '', window: '1m' })).toBe(expected);
  });

  it('leaves commas alone when nothing was empty', () => {
    expect(expandTemplate('f(x{$selector}, , y{,a="1"})', { selector: 's="1"' })).toBe(
      'f(x{s="1"}, , y{,a="1"})',
    );
  });
});

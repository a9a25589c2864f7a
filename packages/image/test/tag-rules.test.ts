import { InputError } from '@switchyard/kit';
import { defaultTagRules, parseTagRule, parseTagRules } from '@switchyard/image';

describe('parseTagRule: accepted forms', () => {
  test.each([
    [
      'type=semver,pattern={{version}}',
      { type: 'semver', pattern: '{{version}}', prefix: '', suffix: '', enable: 'true' },
    ],
    ['type=semver,pattern={{major}}.{{minor}}', { type: 'semver', pattern: '{{major}}.{{minor}}' }],
    [
      'type=semver,pattern=v{{major}},value=v2.0.0',
      { type: 'semver', pattern: 'v{{major}}', value: 'v2.0.0' },
    ],
    ['type=semver,pattern={{ version }}', { type: 'semver', pattern: '{{ version }}' }],
    [
      "type=semver,pattern={{version}}-{{date 'YYYYMMDD'}}",
      { type: 'semver', pattern: "{{version}}-{{date 'YYYYMMDD'}}" },
    ],
    ['type=ref,event=branch', { type: 'ref', event: 'branch', prefix: '' }],
    ['type=ref,event=tag', { type: 'ref', event: 'tag', prefix: '' }],
    ['type=ref,event=pr', { type: 'ref', event: 'pr', prefix: 'pr-' }],
    ['type=ref,event=pr,prefix=', { type: 'ref', event: 'pr', prefix: '' }],
    ['type=sha', { type: 'sha', format: 'short', prefix: 'sha-' }],
    ['type=sha,format=long,prefix=git-', { type: 'sha', format: 'long', prefix: 'git-' }],
    ['type=raw,value=stable', { type: 'raw', value: 'stable' }],
    ['type=raw,value={{branch}}-{{sha}}', { type: 'raw', value: '{{branch}}-{{sha}}' }],
    [
      "type=raw,value=build-{{date 'YYYYMMDD'}}",
      { type: 'raw', value: "build-{{date 'YYYYMMDD'}}" },
    ],
    ['value=stable', { type: 'raw', value: 'stable' }],
    ['stable', { type: 'raw', value: 'stable' }],
    ['{{branch}}', { type: 'raw', value: '{{branch}}' }],
    ['type=raw,value="a,b"', { type: 'raw', value: 'a,b' }],
    ['"type=raw","value=x,y",prefix="p,"', { type: 'raw', value: 'x,y', prefix: 'p,' }],
    ['type=schedule', { type: 'schedule', pattern: 'nightly' }],
    [
      "type=schedule,pattern={{date 'YYYYMMDD'}}",
      { type: 'schedule', pattern: "{{date 'YYYYMMDD'}}" },
    ],
    ['type=edge', { type: 'edge' }],
    ['type=edge,branch=develop', { type: 'edge', branch: 'develop' }],
    ['type=sha,enable={{is_default_branch}}', { type: 'sha', enable: '{{is_default_branch}}' }],
    ['type=sha,enable=false', { type: 'sha', enable: 'false' }],
    [
      'type=ref,event=branch,prefix={{base_ref}}-,suffix=-{{sha}}',
      { prefix: '{{base_ref}}-', suffix: '-{{sha}}' },
    ],
    [' type = raw , value = x ', { type: 'raw', value: 'x' }],
    ['type=raw,value=x,', { type: 'raw', value: 'x' }],
  ])('[%#] given %o returns %o', (line, expected) => {
    expect(parseTagRule('tags', line)).toMatchObject({ ...expected, source: line });
  });

  test('edge without branch and semver without value leave the key out', () => {
    expect(parseTagRule('tags', 'type=edge')).not.toHaveProperty('branch');
    expect(parseTagRule('tags', 'type=semver,pattern={{version}}')).not.toHaveProperty('value');
  });
});

describe('parseTagRule: malformed rules are InputErrors naming the input', () => {
  test.each([
    ['type=foo', 'type "foo" is unknown (known: semver, ref, sha, raw, schedule, edge)'],
    [
      'type=sha,pattern={{version}}',
      '"pattern" is not an attribute of type=sha (it takes format, prefix, suffix, enable)',
    ],
    ['type=raw,value=x,event=tag', '"event" is not an attribute of type=raw'],
    ['type=raw,value=a,value=b', 'sets value twice'],
    ['type=sha,type=raw', 'sets type twice'],
    ['type=semver', 'type=semver needs a pattern, e.g. pattern={{version}}'],
    ['type=semver,pattern=', 'type=semver needs a pattern'],
    ['type=raw', 'type=raw needs a value, e.g. value=stable'],
    ['type=raw,value=', 'type=raw needs a value'],
    [
      'type=semver,pattern=v1',
      'pattern "v1" uses none of {{raw}}, {{version}}, {{major}}, {{minor}}, {{patch}}',
    ],
    ["type=semver,pattern={{date 'YYYY'}}", 'uses none of'],
    [
      'type=semver,pattern={{branch}}',
      '{{branch}} is not a known placeholder here (known: {{raw}}, {{version}}',
    ],
    [
      'type=raw,value={{version}}',
      '{{version}} is not a known placeholder here (known: {{branch}}, {{tag}}',
    ],
    ['type=raw,value={{foo}}', '{{foo}} is not a known placeholder here'],
    ['type=sha,prefix={{nope}}-', '{{nope}} is not a known placeholder here'],
    ['type=schedule,pattern={{major}}', '{{major}} is not a known placeholder here'],
    [
      'type=semver,pattern={{version}},value={{bogus}}',
      '{{bogus}} is not a known placeholder here',
    ],
    ['type=raw,value={{branch}', '"{{branch}" has an unbalanced {{ or }}'],
    ['type=raw,value=a}}', '"a}}" has an unbalanced {{ or }}'],
    ['type=sha,suffix=-{{', '"-{{" has an unbalanced {{ or }}'],
    ['type=ref,event=release', 'type=ref needs event=branch, event=tag or event=pr, not "release"'],
    ['type=ref', 'type=ref needs event=branch, event=tag or event=pr. Write rules'],
    ['type=sha,format=medium', 'format must be short or long, not "medium"'],
    [
      'type=sha,enable=yes',
      'enable must be true, false or an expression such as {{is_default_branch}}',
    ],
    ['type=sha,enable=', 'enable must be true, false or an expression'],
    ['type=raw,value="a,b', 'has an unclosed double quote'],
    ['type=raw,value={{date}}', "{{date}} needs a format, e.g. {{date 'YYYYMMDD'}}"],
    ['type=raw,value=x,junk', '"junk" is not key=value'],
    ['=x', '"=x" is not key=value'],
    ['a,b', '"a" is not key=value'],
  ])('[%#] given %o throws %o', (line, problem) => {
    const parse = () => parseTagRule('tags (line 2)', line);
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(`input "tags (line 2)": ${JSON.stringify(line)} `);
    expect(parse).toThrow(problem);
    expect(parse).toThrow('Write rules like type=semver,pattern={{version}}');
  });
});

describe('parseTagRules', () => {
  test('one rule per line; blank lines and comments are skipped', () => {
    const rules = parseTagRules(
      'tags',
      '# releases\ntype=semver,pattern={{version}}\n\n   \n  # branches\r\n  type=ref,event=branch  \nstable\n',
    );
    expect(rules.map((r) => [r.type, r.source])).toEqual([
      ['semver', 'type=semver,pattern={{version}}'],
      ['ref', 'type=ref,event=branch'],
      ['raw', 'stable'],
    ]);
  });

  test('empty input is no rules', () => {
    expect(parseTagRules('tags', '')).toEqual([]);
    expect(parseTagRules('tags', '\n# only a comment\n')).toEqual([]);
  });

  test.each([
    ['type=sha\ntype=bogus', 'tags (line 2)'],
    ['# comment\n\ntype=sha,format=x', 'tags (line 3)'],
    ['type=ref,event=nope', 'tags (line 1)'],
  ])(
    '[%#] given %o blames %o (the line as written, counting blanks and comments)',
    (text, input) => {
      let error: unknown;
      try {
        parseTagRules('tags', text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(input);
    },
  );

  test.each([
    [true, ['schedule', 'semver', 'semver', 'semver', 'ref', 'ref', 'sha']],
    [false, ['schedule', 'semver', 'semver', 'semver', 'ref', 'ref', 'ref', 'sha']],
  ])('[%#] defaultTagRules(%o) parses to %o', (semver, types) => {
    const rules = parseTagRules('tags', defaultTagRules(semver));
    expect(rules.map((r) => r.type)).toEqual(types);
    expect(rules.some((r) => r.type === 'ref' && r.event === 'tag')).toBe(!semver);
  });
});

import { imageLabels, OCI, type LabelFacts } from '@switchyard/image';

const CREATED = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SHA = '0123456789abcdef0123456789abcdef01234567';

const facts = (over: Partial<LabelFacts> = {}): LabelFacts => ({
  serverUrl: 'https://github.com',
  repository: 'acme/shop',
  sha: SHA,
  version: '1.4.2',
  created: CREATED,
  repo: {},
  ...over,
});

describe('imageLabels', () => {
  test('every automatic label from a full event payload', () => {
    const labels = imageLabels(
      facts({
        repo: {
          name: 'shop',
          description: 'The shop',
          htmlUrl: 'https://github.com/acme/shop',
          homepage: 'https://shop.example.com',
          license: 'MIT',
        },
      }),
      {},
    );
    expect(labels).toEqual({
      'org.opencontainers.image.title': 'shop',
      'org.opencontainers.image.description': 'The shop',
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      'org.opencontainers.image.url': 'https://shop.example.com',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': '1.4.2',
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.licenses': 'MIT',
    });
  });

  test.each([
    [
      'no payload: source from server URL and repository, title from the repository',
      {},
      {
        [OCI.title]: 'shop',
        [OCI.source]: 'https://github.com/acme/shop',
        [OCI.url]: 'https://github.com/acme/shop',
        [OCI.revision]: SHA,
        [OCI.version]: '1.4.2',
        [OCI.created]: '2026-01-02T03:04:05.000Z',
      },
    ],
    [
      'a trailing slash on the server URL',
      { serverUrl: 'https://ghe.example.com/' },
      {
        [OCI.source]: 'https://ghe.example.com/acme/shop',
        [OCI.url]: 'https://ghe.example.com/acme/shop',
      },
    ],
    [
      'html_url wins over the server URL',
      { repo: { htmlUrl: 'https://github.com/Acme/Shop' } },
      { [OCI.source]: 'https://github.com/Acme/Shop', [OCI.url]: 'https://github.com/Acme/Shop' },
    ],
    [
      'the payload name wins over the repository',
      { repo: { name: 'storefront' } },
      { [OCI.title]: 'storefront' },
    ],
  ])('[%#] %s: given %o has %o', (_label, over, expected) => {
    expect(imageLabels(facts(over), {})).toMatchObject(expected);
  });

  test.each([
    ['no server URL', { serverUrl: undefined }, [OCI.source, OCI.url]],
    ['no repository', { repository: undefined }, [OCI.source, OCI.url, OCI.title]],
    ['empty sha', { sha: '' }, [OCI.revision]],
    ['empty version', { version: '' }, [OCI.version]],
    ['no description or license', {}, [OCI.description, OCI.licenses]],
  ])('[%#] %s: given %o leaves out %o', (_label, over, missing) => {
    const labels = imageLabels(facts(over), {});
    for (const key of missing) expect(labels).not.toHaveProperty([key]);
    expect(labels[OCI.created]).toBe('2026-01-02T03:04:05.000Z');
  });

  test('the user labels override the automatic ones and add their own', () => {
    const labels = imageLabels(facts(), {
      [OCI.version]: '1.4.2-custom',
      [OCI.title]: 'Shop API',
      'com.example.team': 'payments',
    });
    expect(labels).toMatchObject({
      [OCI.version]: '1.4.2-custom',
      [OCI.title]: 'Shop API',
      'com.example.team': 'payments',
      [OCI.revision]: SHA,
    });
  });

  test('an override may blank an automatic label', () => {
    expect(imageLabels(facts(), { [OCI.url]: '' })[OCI.url]).toBe('');
  });
});

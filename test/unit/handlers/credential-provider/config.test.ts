import { providerConfig, readProviderConfig, resetProviderConfig } from '../../../../handlers/credential-provider/config';

const complete = {
  CREDENTIALS_TABLE_NAME: 'data-api-credentials',
  CREDENTIALS_SECRET_PREFIX: 'data-api-credentials/',
  AWS_REGION: 'eu-west-1',
};

describe('provider configuration', () => {
  it('is read from the documented variables', () => {
    expect(readProviderConfig(complete)).toEqual({
      tableName: 'data-api-credentials',
      secretPrefix: 'data-api-credentials/',
      region: 'eu-west-1',
    });
  });

  it('falls back to AWS_DEFAULT_REGION', () => {
    const { AWS_REGION: _unused, ...env } = complete;
    expect(readProviderConfig({ ...env, AWS_DEFAULT_REGION: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
  });

  it.each([
    ['CREDENTIALS_TABLE_NAME', undefined, /CREDENTIALS_TABLE_NAME is not set/],
    ['CREDENTIALS_TABLE_NAME', 'a', /CREDENTIALS_TABLE_NAME="a" is not a DynamoDB table name/],
    ['CREDENTIALS_SECRET_PREFIX', '', /CREDENTIALS_SECRET_PREFIX is not set/],
    ['CREDENTIALS_SECRET_PREFIX', 'bad prefix!', /CREDENTIALS_SECRET_PREFIX="bad prefix!" is not a Secrets Manager name prefix/],
    ['AWS_REGION', undefined, /AWS_REGION is not set/],
    ['AWS_REGION', 'Mars', /AWS_REGION="Mars" is not an AWS region/],
  ])('fails clearly when %s is %p', (name, value, message) => {
    const env: Record<string, string | undefined> = { ...complete, [name]: value };
    expect(() => readProviderConfig(env)).toThrow(message);
    expect(() => readProviderConfig(env)).toThrow(/credential provider is misconfigured/);
  });

  describe('from process.env', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
      resetProviderConfig();
    });

    it('is read once, until reset', () => {
      Object.assign(process.env, complete);
      resetProviderConfig();
      const first = providerConfig();
      process.env.CREDENTIALS_TABLE_NAME = 'another-table';
      expect(providerConfig()).toBe(first);
      resetProviderConfig();
      expect(providerConfig().tableName).toBe('another-table');
    });
  });
});

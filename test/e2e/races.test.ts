/**
 * Many credentials applied at once: Terraform invokes the provider for all of them in parallel.
 * Every one must end active, with its own secret, and the secrets must all differ.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthType, DataApiCredential, DataApiScope } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';
import { credentialRecords, currentSecretValue, secretOfValue, sha256 } from '../support/store';

jest.setTimeout(300_000);

const STACK = 'e2e-races';
const COUNT = 50;
const env = localAwsEnv();
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-races-'));
let cwd = '';

afterAll(async () => {
  if (cwd) await terraform(['destroy', '-auto-approve', '-parallelism=20', '-no-color'], { cwd, env, okCodes: [0, 1] });
  rmSync(work, { recursive: true, force: true });
});

test(`${COUNT} credentials applied with -parallelism=20 are all active, with distinct, valid secrets`, async () => {
  cwd = synthStack(join(work, 'cdktf.out'), (app) =>
    credentialsStack(app, STACK, join(work, 'terraform.tfstate'), (stack, store) => {
      for (let i = 0; i < COUNT; i++) {
        new DataApiCredential(stack, `Credential${i}`, {
          store,
          name: `Credential ${i}`,
          authType: i % 2 ? AuthType.API_KEY : AuthType.OAUTH2,
          scopes: [DataApiScope.ALL[i % 5]],
        });
      }
    }),
  );
  await terraform(['init', '-no-color'], { cwd, env });
  await terraform(['apply', '-auto-approve', '-parallelism=20', '-no-color'], { cwd, env });

  const records = await credentialRecords(`${STACK}-Credentials`);
  expect(records).toHaveLength(COUNT);
  expect(records.filter((r) => r.status === 'active')).toHaveLength(COUNT);
  expect(new Set(records.map((r) => r.name)).size).toBe(COUNT);

  const secrets = await Promise.all(
    records.map(async (record) => {
      const value = await currentSecretValue(record.secretArn);
      expect(value).toBeDefined();
      const secret = secretOfValue(value!);
      expect(sha256(secret)).toBe(record.secretHash);
      return secret;
    }),
  );
  expect(new Set(secrets).size).toBe(COUNT);
});

/**
 * The errors users read about their credentials, in one place, each in three parts: what
 * happened, why, and how to fix it (the style of cdktf's error factories). They name
 * credentials, instances and secrets by id or ARN, never a secret value.
 */
import { ConflictError, NotFoundError, SecretScheduledForDeletionError, ValidationError } from '../errors';

const REPLACE = "terraform apply -replace=<the credential's terraform_data address>";

export const lifecycleErrors = {
  revokedNeverRevived: (credentialId: string, instanceId: string, at: string): ConflictError =>
    new ConflictError(
      `Credential ${credentialId} (instance ${instanceId}) was revoked at ${at}; ` +
        'a revoked credential is never revived. Replace the credential instance (terraform apply -replace=<its terraform_data>) ' +
        'to get a new credential',
    ),

  revokedNotUpdatable: (credentialId: string, at: string): ConflictError =>
    new ConflictError(`Credential ${credentialId} was revoked at ${at} and cannot be updated; recreate it: ${REPLACE}`),

  missingForUpdate: (credentialId: string, instanceId: string): NotFoundError =>
    new NotFoundError(
      `Credential ${credentialId} (instance ${instanceId}) does not exist in the credential table, so it cannot be updated; ` +
        `recreate it: ${REPLACE}`,
    ),

  secretMovedInCreate: (credentialId: string, kept: string, wanted: string): ConflictError =>
    new ConflictError(`Credential ${credentialId} keeps its value in ${kept}; a create cannot move it to ${wanted}. Nothing was changed`),

  secretMovedInUpdate: (credentialId: string, kept: string, wanted: string): ConflictError =>
    new ConflictError(
      `Credential ${credentialId} keeps its value in ${kept}; it cannot move to ${wanted} in place. ` +
        'Replace the credential (a new secret means a new credential). Nothing was changed',
    ),

  instanceChangedInUpdate: (from: string, to: string): ConflictError =>
    new ConflictError(
      `The credential instance changed from ${from} to ${to} in an in-place update; ` +
        'a new instance means a new credential and must be a replacement (the construct sets replace_triggered_by). ' +
        'Nothing was changed',
    ),

  notOwner: (credentialId: string, owner: string, instanceId: string): ConflictError =>
    new ConflictError(`Credential ${credentialId} belongs to instance ${owner}, not ${instanceId}; nothing was changed`),

  authTypeChange: (credentialId: string, from: string, to: string): ConflictError =>
    new ConflictError(
      `The auth type of credential ${credentialId} is ${from} and cannot change to ${to}: the auth type is fixed at creation. ` +
        'Change `authType` in the DataApiCredential construct, which replaces the credential (a new one is created, ' +
        'then the old one revoked). Nothing was changed',
    ),

  /** Names what differs (the store tag, the declaration digest), never a tag's value. */
  undeclared: (purpose: 'write' | 'read', secretArn: string, differ: readonly string[]): ConflictError =>
    new ConflictError(
      `The secret ${secretArn} is not declared for this ${purpose}: its ${differ.map((k) => `${k} tag`).join(' and ')} ` +
        `${differ.length === 1 ? 'does' : 'do'} not match the invocation (the declaration tag binds the instance, auth type, ` +
        `name, description, scopes and grace periods Terraform declared). Only the credential declared in Terraform ` +
        `${purpose === 'write' ? 'writes its secret; nothing was written' : 'is read through its secret; nothing was read'}`,
    ),

  secretOutsidePrefix: (secretArn: string, prefix: string): ValidationError =>
    new ValidationError('input.secretArn', JSON.stringify(secretArn), `a secret whose name starts with the credential store's prefix "${prefix}"`),

  adoptOnlyApiKeys: (authType: string): ValidationError =>
    new ValidationError('input.authType', JSON.stringify(authType), '"api_key": only API keys can be adopted'),

  adoptGenerated: (secretArn: string): ConflictError =>
    new ConflictError(
      `The secret ${secretArn} holds a credential this library generated (it carries this library's tags); ` +
        'only keys created elsewhere can be adopted. Nothing was written',
    ),

  /** Never echoes the value, not even its prefix. */
  adoptOwnFormat: (secretArn: string): ValidationError =>
    new ValidationError(
      `value of the adopted secret ${secretArn}`,
      'a key or client secret this library generated (not shown)',
      'an API key created outside this library: a generated credential is never adopted, not even a rotated-out one; declare a new credential instead',
    ),

  /** Never echoes the value: it is (or contains) a secret. */
  adoptedValueShape: (secretArn: string, hasValue: boolean): ValidationError =>
    new ValidationError(
      `value of the adopted secret ${secretArn}`,
      hasValue ? 'a value of another shape (not shown)' : 'no current value',
      'JSON {"apiKey": "<20 to 512 characters from A-Z a-z 0-9 - . _ ~ + />"}',
    ),

  /** Never names the other credential's key or hash: only that the key is taken. */
  keyAlreadyAdopted: (credentialId: string): ConflictError =>
    new ConflictError(
      `The API key in the secret of credential ${credentialId} is already adopted by another credential of this store; ` +
        'a key can belong to one credential only. Nothing was written',
    ),

  missingSecret: (secretArn: string, cause: unknown): NotFoundError =>
    new NotFoundError(
      `The secret ${secretArn} does not exist (or is not visible to the provider); ` +
        'it is created by Terraform with the credential, so check that it was not deleted outside Terraform',
      { cause },
    ),

  secretScheduledForDeletion: (secretArn: string, cause: unknown): SecretScheduledForDeletionError =>
    new SecretScheduledForDeletionError(
      `The secret ${secretArn} cannot be used right now (InvalidRequestException), typically because it is ` +
        'scheduled for deletion; restore it (aws secretsmanager restore-secret) or let Terraform recreate it, then apply again',
      { cause },
    ),

  missingTable: (tableName: string, cause: unknown): NotFoundError =>
    new NotFoundError(`The credential table ${tableName} does not exist (or is not visible to the provider)`, { cause }),
};

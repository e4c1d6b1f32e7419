/**
 * The typed errors of the library, the provider, the gateway and the CLI: one class per kind of
 * failure, so callers test with `instanceof`, never by message. Messages never carry a secret:
 * callers pass identifiers and descriptions, never generated values. The messages users read
 * about the lifecycle are written by the factories in `lifecycle/messages.ts`.
 */
export class CredentialError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: names the field, the value received and what is allowed. Nothing was written. */
export class ValidationError extends CredentialError {
  constructor(
    readonly field: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Invalid ${field}: got ${value}; allowed: ${allowed}`);
  }
}

/** The request contradicts what exists (an auth type change, another instance's record, ...). */
export class ConflictError extends CredentialError {}

/** A conditional write lost a race: the record changed (or appeared) since it was read. */
export class StaleRecordError extends ConflictError {
  constructor(readonly credentialId: string) {
    super(`Credential ${credentialId} was changed by another request at the same time; nothing was overwritten. Run the apply again.`);
  }
}

/** The secret exists but is scheduled for deletion: nothing can be read from or written to it. */
export class SecretScheduledForDeletionError extends ConflictError {}

/** A credential, secret or store that should exist does not. */
export class NotFoundError extends CredentialError {}

/** An item under a `CRED#` key that is not a valid credential record. */
export class CorruptRecordError extends CredentialError {}

/** A function is deployed without a setting it needs, or with a bad one: a deployment bug, not a user input error. */
export class ConfigurationError extends CredentialError {
  constructor(
    readonly component: string,
    readonly problem: string,
  ) {
    super(`${component} is misconfigured: ${problem}`);
  }
}

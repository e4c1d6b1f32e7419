/**
 * The typed errors of the library, the provider and the CLI. Messages never carry a secret:
 * callers pass identifiers and descriptions, never generated values.
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

/** A credential, secret or store that should exist does not. */
export class NotFoundError extends CredentialError {}

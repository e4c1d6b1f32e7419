/**
 * Where credential records and secret values live: the AWS implementations of the lifecycle's
 * ports (`handlers/lifecycle/ports.ts`). The record they keep is the lifecycle's too
 * (`handlers/lifecycle/credential-record.ts`): the store depends on the lifecycle, never the reverse.
 */
export { StaleRecordError } from '../errors';
export * from './dynamodb-credential-table';
export * from './secrets-manager-secret-store';

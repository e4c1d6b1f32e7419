/** Where credential records and secret values live: the ports and their AWS implementations. */
export * from './credential-record';
export { StaleRecordError } from '../errors';
export * from './dynamodb-credential-table';
export * from './secrets-manager-secret-store';

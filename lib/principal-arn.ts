import { ValidationError } from '../handlers/errors';

/** IAM principals a resource policy can name: users, roles, account roots (`arn:<partition>:iam::<account>:...`). */
export const PRINCIPAL_ARN_PATTERN = /^arn:[a-z-]+:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/:-]+$/;

export function validatePrincipalArn(value: unknown, field: string): string {
  if (typeof value !== 'string' || !PRINCIPAL_ARN_PATTERN.test(value)) {
    throw new ValidationError(field, JSON.stringify(value), 'IAM principal ARNs (arn:aws:iam::<account>:role/...)');
  }
  return value;
}

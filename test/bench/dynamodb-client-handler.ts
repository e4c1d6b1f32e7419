/**
 * A cold-start reference of `npm run bench`: a handler that only imports the AWS SDK's DynamoDB
 * client, as every handler of ours with a store does. What it costs is the floor for those.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export async function handler(): Promise<{ statusCode: number; body: string }> {
  return { statusCode: 200, body: typeof new DynamoDBClient({ region: process.env.AWS_REGION }).send };
}

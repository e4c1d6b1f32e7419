/**
 * A records backend that is a Lambda function: the handlers' one use of the Lambda API. The
 * verifier hands it the API Gateway payload 2.0 event it would have received behind an
 * authorizer, and gets back a payload 2.0 response.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CredentialError } from '../errors';

/** The backend failed or answered something that is not a response: the client gets a 502. */
export class BackendError extends CredentialError {}

export class LambdaRecordsBackend {
  constructor(
    private readonly client: LambdaClient,
    readonly functionArn: string,
  ) {}

  async invoke(event: unknown): Promise<unknown> {
    const out = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionArn, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    if (out.FunctionError !== undefined) {
      throw new BackendError(`The records backend ${this.functionArn} failed (${out.FunctionError})`);
    }
    const text = out.Payload === undefined ? 'null' : Buffer.from(out.Payload).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new BackendError(`The records backend ${this.functionArn} returned no JSON`, { cause });
    }
  }
}

/**
 * The bundled handlers' stand-in for `@aws-sdk/credential-provider-node` (an esbuild alias in
 * `scripts/bundle.ts`): credentials from the environment only.
 *
 * Lambda always hands a function its role's credentials in `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, the first source the SDK's default chain tries,
 * so the rest of the chain (SSO, web identity, ini and process files, the instance metadata
 * service, with their nested STS and SSO clients) is never used there; bundled, it cost about a
 * third of each handler's size and a fifth of its cold start (`npm run bench`, cold start). The
 * local Lambda runner sets the same variables. Exports what the SDK clients import.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> => fromEnv(init);

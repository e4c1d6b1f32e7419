import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AuthType, CredentialStore, DataApiCredential, DataApiGateway, DataApiScope } from '../lib';
import { SampleRecordsBackend } from './sample-records-backend';

export interface AnalyticsCredentialsStackProps {
  /** @default process.env.AWS_REGION ?? 'us-east-1' */
  readonly region?: string;
  /** Local state file. @default terraform.<stack id>.tfstate in the working directory */
  readonly statePath?: string;
  /** Scopes of the usage-reporting credential. @default conversations, users */
  readonly reportingScopes?: readonly DataApiScope[];
  /** Auth type of the usage-reporting credential. @default AuthType.API_KEY */
  readonly reportingAuthType?: AuthType;
  /** Leave the usage-reporting credential out (removing it from code revokes it). @default false */
  readonly withoutReporting?: boolean;
  /**
   * Add the Data API gateway (OAuth endpoints, records routes) in front of the sample records
   * backend, with a third credential that may introspect. @default false
   */
  readonly withGateway?: boolean;
}

/**
 * The example a platform team copies: one store and two credentials, as on the product page.
 * The props exist so the demo and the e2e tests can show the changes a pull request would make.
 */
export class AnalyticsCredentialsStack extends TerraformStack {
  readonly store: CredentialStore;
  readonly gateway?: DataApiGateway;

  constructor(scope: Construct, id: string, props: AnalyticsCredentialsStackProps = {}) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: props.region ?? process.env.AWS_REGION ?? 'us-east-1' });
    // The bindings pin hashicorp/aws to exactly 5.99.1; any 5.x provider works.
    this.addOverride('terraform.required_providers.aws.version', '~> 5.0');
    new LocalBackend(this, { path: props.statePath ?? `terraform.${id}.tfstate` });

    this.store = new CredentialStore(this, 'Credentials', {
      // A demo stack is meant to be destroyed and re-created: production stacks keep the defaults.
      deletionProtection: false,
      secretRecoveryWindowDays: 0,
      logRetentionDays: 7,
      tags: { app: 'analytics', 'managed-by': 'data-api-credentials' },
    });

    new DataApiCredential(this, 'AnalyticsExport', {
      store: this.store,
      name: 'Analytics-DataAPI-Credential',
      authType: AuthType.OAUTH2,
      scopes: DataApiScope.ALL,
      description: 'Nightly export of every Data API entity to the warehouse',
    });

    if (!props.withoutReporting) {
      new DataApiCredential(this, 'UsageReporting', {
        store: this.store,
        name: 'Usage-Reporting',
        authType: props.reportingAuthType ?? AuthType.API_KEY,
        scopes: props.reportingScopes ?? [DataApiScope.CONVERSATIONS, DataApiScope.USERS],
      });
    }

    if (props.withGateway) {
      const backend = new SampleRecordsBackend(this, 'SampleBackend', { functionName: `${id}-sample-records` });
      // A team's own service in front of the same data: it checks the bearer values it receives
      // by introspection (RFC 7662), so it needs no scope of its own beyond what it serves.
      const mirror = new DataApiCredential(this, 'RecordsMirror', {
        store: this.store,
        name: 'Records-Mirror',
        authType: AuthType.OAUTH2,
        scopes: [DataApiScope.USERS],
        description: 'Resource server in front of the same data; validates bearer values by introspection',
      });
      this.gateway = new DataApiGateway(this, 'DataApi', {
        store: this.store,
        backend: { functionArn: backend.functionArn },
        introspectionClients: [mirror],
        logRetentionDays: 7,
      });
    }
  }
}

/** The cdktf app of the example: `cdktf synth` (or `npx tsx examples/main.ts`) writes cdktf.out/. */
import { App } from 'cdktf';
import { AnalyticsCredentialsStack } from './analytics-credentials-stack';

const app = new App();
new AnalyticsCredentialsStack(app, 'analytics-credentials');
app.synth();

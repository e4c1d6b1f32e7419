/** Fault rules for the functions' AWS calls, through the local AWS's fault proxy (local/fault-proxy.ts). */
import type { FaultRule } from '../../local/fault-proxy';
import { localAwsEnv } from './local-aws';

async function call(method: 'POST' | 'DELETE' | 'GET', rule?: Partial<FaultRule>): Promise<Array<FaultRule & { seen: number; faulted: number }>> {
  const response = await fetch(localAwsEnv().LOCAL_AWS_FAULTS_URL, {
    method,
    body: rule ? JSON.stringify(rule) : undefined,
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`fault proxy: ${response.status} ${await response.text()}`);
  return (await response.json()) as Array<FaultRule & { seen: number; faulted: number }>;
}

export const addFault = (rule: FaultRule) => call('POST', rule);
export const faultRules = () => call('GET');
/** Removes the rules scoped to names containing `scope` (never other test files' rules). */
export const clearFaults = (scope: string) => call('DELETE', { bodyContains: scope });

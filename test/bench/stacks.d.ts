/** Types of stacks.js (plain JavaScript, so that a consumer project runs it with `node`). */
import type { TerraformStack } from 'cdktf';
import type { CredentialStore } from '../../lib';

/** Resolves a module name as the caller's project does. */
export type Load = (name: string) => any;

/** Ours; the same Terraform blocks per credential written with cdktf alone (the floor); the hand-written equivalent. */
export type Side = 'ours' | 'sameResources' | 'handWritten';

export interface SynthTiming {
  readonly constructMs: number;
  readonly synthMs: number;
}

export interface StackShape {
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
}

export interface SynthResult {
  readonly node: string;
  readonly results: ReadonlyArray<{ readonly count: number } & Record<Side, SynthTiming[]>>;
  readonly shape: { readonly count: number } & Record<Side, StackShape>;
}

export interface SynthOptions {
  readonly plan: ReadonlyArray<{ readonly count: number; readonly runs: number }>;
  readonly outRoot: string;
  readonly warmUpCount?: number;
  readonly shapeCount?: number;
}

export const LIBRARY: 'data-api-credentials';
export const HAND_WRITTEN_MODULES: readonly string[];
export interface StackVariant {
  /** The first credential with one more scope: an in-place update. */
  readonly changeFirst?: boolean;
}
export function addCredentials(load: Load, stack: TerraformStack, store: CredentialStore, count: number, variant?: StackVariant): void;
export function addSameResources(load: Load, stack: TerraformStack, store: CredentialStore, count: number): void;
export function addHandWritten(load: Load, stack: TerraformStack, id: string, count: number, variant?: StackVariant): void;
export function measureSynth(load: Load, options: SynthOptions): SynthResult;

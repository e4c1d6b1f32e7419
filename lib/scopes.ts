import { SCOPE_NAMES, ScopeName } from '../handlers/contract/credential';

/**
 * A Data API scope: what data a credential can read. Use the constants, or the plain values
 * `conversations`, `interactions`, `plugin-calls`, `plugin-resources`, `users`.
 */
export type DataApiScope = ScopeName;

/** The five Data API scopes; `DataApiScope.ALL` selects every one, like the product page's "All". */
export const DataApiScope = {
  CONVERSATIONS: 'conversations',
  INTERACTIONS: 'interactions',
  PLUGIN_CALLS: 'plugin-calls',
  PLUGIN_RESOURCES: 'plugin-resources',
  USERS: 'users',
  /** Every scope. Expanded to the five names at synth, so a review shows exactly what is granted. */
  ALL: SCOPE_NAMES,
} as const satisfies Record<string, ScopeName | readonly ScopeName[]>;

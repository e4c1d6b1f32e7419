import { SCOPE_NAMES, ScopeName } from '../handlers/contract/credential';

/**
 * A Data API scope: what data a credential can read. Use the constants, or the plain values
 * `conversations`, `interactions`, `plugin-calls`, `plugin-resources`, `users`.
 */
export type DataApiScope = ScopeName;

/** `plugin-calls` → `PLUGIN_CALLS`. */
type ConstantName<S extends string> = Uppercase<S extends `${infer Head}-${infer Tail}` ? `${Head}_${ConstantName<Tail>}` : S>;

/** One constant per scope of the contract's `SCOPE_NAMES`: adding a scope there adds its constant here. */
type ScopeConstants = { readonly [S in ScopeName as ConstantName<S>]: S };

const constants = Object.fromEntries(SCOPE_NAMES.map((scope) => [scope.toUpperCase().replace(/-/g, '_'), scope])) as ScopeConstants;

/** The Data API scopes (`DataApiScope.USERS`, ...); `DataApiScope.ALL` selects every one, like the product page's "All". */
export const DataApiScope: ScopeConstants & {
  /** Every scope. Expanded to the names at synth, so a review shows exactly what is granted. */
  readonly ALL: typeof SCOPE_NAMES;
} = { ...constants, ALL: SCOPE_NAMES };

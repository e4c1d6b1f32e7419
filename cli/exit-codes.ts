/** Exit codes of the data-api-credentials commands. */
export const EXIT = {
  /** Done; nothing to report (in sync, or no policy violation). */
  OK: 0,
  /** Something failed: bad input, an unreachable store, a terraform error. Nothing was changed unless said. */
  ERROR: 1,
  /** It worked and found something: drift, or a plan change that `--fail-on` forbids. */
  FINDINGS: 2,
} as const;

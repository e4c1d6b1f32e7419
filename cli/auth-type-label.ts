/** How the CLI's outputs (the review, the credentials list) name an auth type to people. */
export const AUTH_TYPE_LABELS: Record<string, string> = { api_key: 'API key', oauth2: 'OAuth 2.0' };

/** The label of an auth type; an unknown one (from a hand-written invocation) is shown as it is. */
export const authTypeLabel = (authType: string): string => AUTH_TYPE_LABELS[authType] ?? authType;

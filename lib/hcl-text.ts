import { Token } from './framework';

/**
 * A literal string for an HCL expression: inside a function call cdktf writes strings between
 * quotes escaping only `${` (to `$${`) and new lines, so a `"`, a `\` or a `%{` (names,
 * descriptions and rotation triggers may hold them) would end the string or start a directive.
 * A string with Terraform references (a token) is left to cdktf.
 */
export function hclText(text: string): string {
  if (Token.isUnresolved(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%\{/g, '%%{');
}

/** `value` with every literal string in it made an HCL literal ({@link hclText}): for `Fn.jsonencode` of plain data. */
export function hclTexts<T>(value: T): T {
  if (typeof value === 'string') return hclText(value) as T;
  if (Array.isArray(value)) return value.map(hclTexts) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [hclText(key), hclTexts(item)])) as T;
  }
  return value;
}

/**
 * A literal string for an attribute: Terraform reads `${` and `%{` in any string of a `.tf.json`
 * file as a template (a name such as `50%{x}` would fail `terraform validate`), and cdktf writes an
 * attribute's plain string as it is.
 */
export function templateText(text: string): string {
  if (Token.isUnresolved(text)) return text;
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, '%%{');
}

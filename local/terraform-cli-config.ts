import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where this machine keeps an unpacked copy of `hashicorp/aws`; the public registry is unreachable here. */
export const PROVIDER_MIRROR_DIR = '/opt/tf-plugins';

/**
 * Writes `<dir>/terraform.rc` and returns its path, for `TF_CLI_CONFIG_FILE`.
 *
 * With the mirror, `terraform init` links `.terraform/providers/...` straight to the mirror's
 * unpacked folder, so no working directory copies the 700 MB provider binary. A
 * `plugin_cache_dir` was measured to add nothing on top of that (same init time, and the cache
 * entry is itself only a link to the mirror), so there is none.
 */
export function writeTerraformCliConfig(dir: string): string {
  const installation = fs.existsSync(PROVIDER_MIRROR_DIR)
    ? [
        '  filesystem_mirror {',
        `    path    = ${JSON.stringify(PROVIDER_MIRROR_DIR)}`,
        '    include = ["registry.terraform.io/hashicorp/*"]',
        '  }',
        '  direct {',
        '    exclude = ["registry.terraform.io/hashicorp/*"]',
        '  }',
      ]
    : ['  direct {}'];
  const text = [
    // Offline machines would otherwise try HashiCorp's version-check service on every command.
    'disable_checkpoint = true',
    '',
    'provider_installation {',
    ...installation,
    '}',
    '',
  ].join('\n');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'terraform.rc');
  fs.writeFileSync(file, text);
  return file;
}

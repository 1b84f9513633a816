/**
 * The API key taken out of messages. Its own module, importing no more than the key's variable names,
 * because the entry point (main.ts) needs it before any command is loaded: importing it from format.ts
 * would load the analysis with every `jcgraph --help`. (main.ts takes safeText from src/common/safe-text.ts
 * for the same reason; every other face imports it from format.ts.)
 */
import { API_KEY_VARIABLES } from './api-key.ts';
import type { CliIo } from './command.ts';

/**
 * The message with the API key of the environment taken out, wherever it came from. A key holding a line
 * break or another control character is also taken out piece by piece, and as JSON would quote it.
 */
export function withoutKey(message: string, env: CliIo['env']): string {
  let out = message;
  for (const key of API_KEY_VARIABLES.map((name) => env[name])) {
    if (!key || key.trim().length < 4) continue;
    const forms = [
      key,
      key.trim(),
      JSON.stringify(key.trim()).slice(1, -1),
      // eslint-disable-next-line no-control-regex -- a key pasted with a control character inside is split there
      ...key.split(/[\u0000-\u001f\u007f]+/).filter((p) => p.length >= 8),
    ];
    for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join('[key]');
  }
  return out;
}

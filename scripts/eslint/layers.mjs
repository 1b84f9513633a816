// jcgraph's import rules (ARCHITECTURE.md, "Layers") as an ESLint rule: every relative import in src/ is
// resolved against the importing file, and the layer it lands in (the first folder under src/, or a
// top-level file such as errors.ts) must be one the importing layer may use. Every layer has an allow-list
// (`only`): a file in a layer that has none is reported, so a new part is placed on purpose.
import { dirname, relative, resolve, sep } from 'node:path';

/** The layer of an absolute path under `src`, or undefined outside it. */
export function layerOf(srcDir, file) {
  const rel = relative(srcDir, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return undefined;
  const first = rel.split(sep)[0];
  return first.endsWith('.ts') ? first.slice(0, -3) : first;
}

/**
 * Options: `srcDir`, and `rules`, each `{from, only?, never?, why}`: for the layers in `from` (`'*'`: every
 * layer but those in `except`), imports may land only in `only` (and the layer itself) and never in `never`.
 * Every layer must be named in the `from` of a rule with `only` (its allow-list).
 * @type {import('eslint').Rule.RuleModule}
 */
const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which layers of src/ a layer may import (ARCHITECTURE.md).' },
    schema: [
      {
        type: 'object',
        properties: {
          srcDir: { type: 'string' },
          rules: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'array', items: { type: 'string' } },
                except: { type: 'array', items: { type: 'string' } },
                only: { type: 'array', items: { type: 'string' } },
                never: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
              },
              required: ['from', 'why'],
              additionalProperties: false,
            },
          },
        },
        required: ['srcDir', 'rules'],
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden: 'src/{{from}} may not import src/{{to}}: {{why}}.',
      unlisted: 'src/{{from}} has no allow-list: give the part its row in LAYER_RULES (eslint.config.js) and in ARCHITECTURE.md.',
    },
  },
  create(context) {
    const { srcDir, rules } = context.options[0];
    const from = layerOf(srcDir, context.filename);
    if (from === undefined) return {};
    if (!rules.some((r) => r.from.includes(from) && r.only !== undefined)) {
      return { Program: (node) => context.report({ node, messageId: 'unlisted', data: { from } }) };
    }
    const applying = rules.filter((r) => r.from.includes(from) || (r.from.includes('*') && !(r.except ?? []).includes(from)));
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = layerOf(srcDir, resolve(dirname(context.filename), source.value));
      if (to === undefined || to === from) return;
      const broken = applying.find((r) => (r.only !== undefined && !r.only.includes(to)) || (r.never ?? []).includes(to));
      if (broken) context.report({ node: source, messageId: 'forbidden', data: { from, to, why: broken.why } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { meta: { name: 'jcgraph-layers' }, rules: { 'layer-imports': layerImports } };

/**
 * why(subject, resource): every path by which the subject reaches the resource, each labelled direct
 * (one hop) or indirect, the compiled attributes, and for each attribute the paths it came from.
 *
 * Provenance reuses the compile rule rather than re-implementing it: a path contributes to an
 * attribute when compiling that path alone under the rule narrowed to the attribute yields it. For sudo
 * the rule is narrowed to one precedence level at a time; the highest level any path reaches wins (as in
 * the full compile), and only the paths holding a value at that level are its sources.
 */
import {
  DEFAULT_COMPILE_RULE,
  type BindingLabel,
  type CompileRule,
  type JsonObject,
  type JsonValue,
  type SudoSource,
} from '../model/index.ts';
import { QueryError } from '../errors.ts';
import { compileWithRule, type AccessGraph } from '../graph/index.ts';
import {
  bindingBetween,
  compileHops,
  namedRef,
  reachableTypes,
  reversePath,
  type AccessPath,
  type Binding,
  type NamedRef,
} from './bindings.ts';

export interface WhyPath extends AccessPath {
  readonly label: 'direct' | 'indirect';
}

export interface AttributeSource {
  /** A key of compiledAttributes (`sudo`, `ldapGroups`, …). */
  readonly key: string;
  readonly value: JsonValue;
  /** For sudo: the precedence level that decided it. */
  readonly level?: SudoSource;
  /** Indexes into `paths` of the paths the value came from. */
  readonly paths: readonly number[];
}

export interface WhyAnswer {
  readonly subject: NamedRef;
  readonly resource: NamedRef;
  /** False when the subject does not reach the resource (then paths is empty). */
  readonly reached: boolean;
  readonly label?: BindingLabel;
  /** Read from the subject to the resource, shortest first. */
  readonly paths: readonly WhyPath[];
  readonly compiledAttributes?: JsonObject;
  readonly attributeSources: readonly AttributeSource[];
  /** The side the traversal was asked from (the resource's when only it has a traversal to the other type). */
  readonly askedFrom: 'subject' | 'resource';
}

export interface WhyOptions {
  /**
   * The compile rule whose attribute sources are explained.
   * @default DEFAULT_COMPILE_RULE
   */
  readonly rule?: CompileRule;
}

/** Narrowed rules: sudo at one level only, or one group attribute only. */
export function sudoOnly(rule: CompileRule, level: SudoSource): CompileRule {
  return { sudo: { ...rule.sudo, precedence: [level] }, groupAttributes: [] };
}

function groupAttributeOnly(rule: CompileRule, key: CompileRule['groupAttributes'][number]): CompileRule {
  return { sudo: { ...rule.sudo, between: [[], []] }, groupAttributes: [key] };
}

/** Which paths each compiled attribute came from (paths as the subject's traversal lists them). */
export function attributeSources(g: AccessGraph, binding: Binding, rule: CompileRule = DEFAULT_COMPILE_RULE): AttributeSource[] {
  const compiled = binding.compiledAttributes;
  if (!compiled) return [];
  const source = g.object(binding.subject.id);
  const target = g.object(binding.target.id);
  const hops = binding.paths.map((p) => compileHops(g, p));
  const pathsYielding = (narrowed: CompileRule, key: string): number[] => {
    const compile = compileWithRule(narrowed);
    return hops.flatMap((path, i) => (compile({ source, target, paths: [path] })?.[key] !== undefined ? [i] : []));
  };
  const out: AttributeSource[] = [];
  if (compiled['sudo'] !== undefined) {
    for (const level of rule.sudo.precedence) {
      const paths = pathsYielding(sudoOnly(rule, level), 'sudo');
      if (paths.length > 0) {
        out.push({ key: 'sudo', value: compiled['sudo'], level, paths });
        break;
      }
    }
  }
  for (const key of rule.groupAttributes) {
    if (compiled[key] !== undefined) out.push({ key, value: compiled[key], paths: pathsYielding(groupAttributeOnly(rule, key), key) });
  }
  return out;
}

/** Why `subjectId` reaches `resourceId`: every path, its label, and where each compiled attribute comes from. */
export function why(g: AccessGraph, subjectId: string, resourceId: string, options: WhyOptions = {}): WhyAnswer {
  const rule = options.rule ?? DEFAULT_COMPILE_RULE;
  const compile = compileWithRule(rule);
  const subject = namedRef(g, subjectId);
  const resource = namedRef(g, resourceId);
  let askedFrom: WhyAnswer['askedFrom'] = 'subject';
  let binding: Binding | undefined;
  if (reachableTypes(subject.type).includes(resource.type)) {
    binding = bindingBetween(g, subjectId, resourceId, { compile });
  } else if (reachableTypes(resource.type).includes(subject.type)) {
    askedFrom = 'resource';
    binding = bindingBetween(g, resourceId, subjectId, { compile });
  } else {
    throw new QueryError(
      `No traversal joins a ${subject.type} and a ${resource.type}, so jcgraph cannot say how ${subject.name} reaches ${resource.name}.`,
    );
  }
  if (!binding) return { subject, resource, reached: false, paths: [], attributeSources: [], askedFrom };
  const sources = attributeSources(g, binding, rule);
  const oriented = askedFrom === 'subject' ? binding.paths : binding.paths.map(reversePath);
  const paths = oriented.map((p): WhyPath => ({ ...p, label: p.edges.length === 1 ? 'direct' : 'indirect' }));
  return {
    subject,
    resource,
    reached: true,
    label: binding.label,
    paths,
    ...(binding.compiledAttributes ? { compiledAttributes: binding.compiledAttributes } : {}),
    attributeSources: sources,
    askedFrom,
  };
}

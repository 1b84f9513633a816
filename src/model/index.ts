/** The domain as data, shared by every layer: the model's whole vocabulary, by name. */
export {
  isGraphType,
  isGroupType,
  groupTypeOf,
  memberTypeOf,
  objectName,
  namesOf,
  recordId,
  GRAPH_TYPES,
  type GraphType,
  type ListShape,
  type ListEndpoint,
  type TypeInfo,
  TYPE_INFO,
  MEMBERSHIPS,
  DIRECTORIES_SEGMENT_TYPES,
} from './types.ts';
export {
  canonicalPair,
  associationKindKey,
  associationKind,
  canAssociate,
  knownAssociationTargets,
  typeRank,
  ASSOCIATION_TARGETS,
  type AssociationKind,
  ASSOCIATION_KINDS,
} from './associations.ts';
export {
  isJsonObject,
  associationEdge,
  membershipEdge,
  edgeKey,
  canonicalJson,
  sortTenant,
  type JsonValue,
  type JsonObject,
  type ObjectRef,
  type TenantObject,
  type EdgeKind,
  type TenantEdge,
  type TenantData,
} from './tenant.ts';
export {
  type GraphAttributes,
  type GraphObject,
  type GraphConnection,
  type GraphObjectWithPaths,
  type ApiErrorBody,
  COMMAND_TRAVERSAL_FIELDS,
} from './api-shapes.ts';
export {
  findEndpoint,
  matchEndpoint,
  endpointPath,
  type EndpointKind,
  type GraphEndpoint,
  GRAPH_ENDPOINTS,
  TRAVERSAL_ENDPOINTS,
  type EndpointMatch,
} from './endpoints.ts';
export { bindingLabel, type Step, type PathPattern, TRAVERSAL_PATTERNS, PATTERNS_BY_KIND, type BindingLabel } from './grammar.ts';
export { type SudoSource, type GroupAttributeKey, type CompileRule, DEFAULT_COMPILE_RULE, ANSWER_ORDER } from './compile-rule.ts';
export {
  membershipKindKey,
  edgeKindKey,
  edgeKindTypes,
  gapCauseLabel,
  coverageOf,
  COMPLETE_COVERAGE,
  type GapCause,
  type GapState,
  type GapProvides,
  type CoverageGap,
  type Coverage,
} from './coverage.ts';

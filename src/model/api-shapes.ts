/**
 * Wire shapes of the v2 graph API (components/schemas in spec/api/2.0/index.yaml; docs/domain.md#wire-shapes).
 */
import type { JsonObject } from './tenant.ts';

/** `GraphAttributes`: an open object or null. */
export type GraphAttributes = JsonObject | null;

export interface GraphObject {
  id: string;
  type: string;
  attributes?: GraphAttributes;
}

/** One hop, or one direct association/membership: `to` is the object reached, `attributes` the edge's. */
export interface GraphConnection {
  to: GraphObject;
  from?: GraphObject;
  attributes?: GraphAttributes;
}

export interface GraphObjectWithPaths {
  id: string;
  type: string;
  compiledAttributes?: GraphAttributes;
  /** Every path from the source (source excluded) to this object, as hops. */
  paths: GraphConnection[][];
  /** `/systems/{id}/commands` and `/systemgroups/{id}/commands` add the command's fields here. */
  [commandField: string]: unknown;
}

/** Error body: `{code, message, status?}` (v2), `{code, message, status}` (v1). */
export interface ApiErrorBody {
  code: number;
  message: string;
  status?: string;
}

/** Fields of a command record that `…/commands` traversals copy next to id/type/paths (commandsGraphObjectWithPaths). */
export const COMMAND_TRAVERSAL_FIELDS = [
  'commandType',
  'name',
  'timeout',
  'timeToLiveSeconds',
  'organization',
  'command',
  'launchType',
  'schedule',
  'scheduleRepeatType',
] as const;

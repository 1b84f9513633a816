/**
 * The seeded tenant generator. Same preset and seed ⇒ the same tenant, byte for byte.
 *
 * Shape (the realism the engine is tested against):
 * - user groups: "All Staff" (DYNAMIC_AUTOMATED on `userState eq "active"`, about 3% of the active
 *   exempted), one group per department (DYNAMIC_REVIEW_REQUIRED on `department eq …`, a few exempted and
 *   a few added by hand), "IT Admins" (group-level sudo), "Contractors" (group-level sudo explicitly off),
 *   and many small groups, a few of medium size and some empty; users are in several groups;
 * - device groups: one per OS (DYNAMIC_AUTOMATED on the OS family, now and then one device exempted),
 *   many small ones, some empty;
 * - about 15% of the small user groups and 20% of the small device groups dynamic, with rules over the
 *   documented attributes in both query forms (./generate/rule-choices.ts); one rule flagged in error
 *   (its members frozen) and one device rule the simulator cannot read. Every rule group's members are
 *   what its rule gives (./generate/rule-groups.ts), so re-running the rules changes nothing;
 * - users ACTIVATED, STAGED, SUSPENDED and locked; some with direct user↔device and user↔device-group
 *   associations carrying sudo, some of them on devices they also reach through groups;
 * - "All Staff" bound to applications, directories and RADIUS (never to thousands of devices), the OS
 *   device groups bound only to the small IT Admins group, so whole-tenant path counts stay sane;
 * - the last object of most resource types left unbound; every association kind the model allows
 *   present at least once.
 */
import type { TenantData } from '../model/index.ts';
import { ObjectIdFactory, orgIdForSeed } from './ids.ts';
import { PRESET_COUNTS, type PresetName, isPresetName } from './presets.ts';
import { Rng, hash32 } from './random.ts';
import { SimulatorError } from './errors.ts';
import { type Generation, TenantBuilder } from './generate/builder.ts';
import { addMissingAssociationKinds } from './generate/every-kind.ts';
import { bindDevices } from './generate/device-bindings.ts';
import { addDevices } from './generate/devices.ts';
import { bindIdentities } from './generate/identity-bindings.ts';
import { addOtherResources, addPolicies, reserveUnbound } from './generate/resources.ts';
import { RuleMatcher } from './generate/rule-groups.ts';
import { addUserGroups, addUsers } from './generate/users.ts';

export interface GenerateOptions {
  readonly preset: PresetName;
  /**
   * Seed of the generator: the same preset and seed give the same tenant.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Organization id of the tenant.
   * @default derived from the seed
   */
  readonly orgId?: string;
}

/** The organization id generateTenant gives a seed when none is passed. */
export function defaultOrgId(seed: number): string {
  return orgIdForSeed(seed, (s) => new Rng(s));
}

/**
 * Generates the preset's tenant for a seed, section by section (src/simulator/generate/). The sections
 * run in a fixed order, each on random streams forked from the seed, so the tenant is reproducible.
 */
export function generateTenant(options: GenerateOptions): TenantData {
  if (!isPresetName(options.preset)) {
    throw new SimulatorError(`unknown preset "${String(options.preset)}"; presets are tiny, small, large, xl`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new SimulatorError(`seed must be an integer, not ${String(seed)}`);
  const orgId = options.orgId ?? defaultOrgId(seed);
  const root = new Rng(seed);
  const generation: Generation = {
    b: new TenantBuilder(),
    ids: new ObjectIdFactory(root.fork('ids')),
    counts: PRESET_COUNTS[options.preset],
    ctx: (label) => ({ rng: root.fork(label), orgId }),
    sideStream: (label) => new Rng(hash32(label, seed)),
  };
  const { b } = generation;
  const rules = new RuleMatcher(b);
  const people = addUsers(generation);
  const userGroups = addUserGroups(generation, people, rules);
  const systemGroups = addDevices(generation, rules);
  addPolicies(generation);
  addOtherResources(generation);
  reserveUnbound(generation);

  bindIdentities(b, root.fork('identity-bindings'), userGroups, people.activeUsers);
  bindDevices(b, root.fork('device-bindings'), userGroups, systemGroups);
  // The fork's label is the stream's seed: it keeps its first name so that every tenant stays byte for byte the same.
  addMissingAssociationKinds(b, root.fork('coverage'));

  return { orgId, objects: b.objects, edges: b.edges };
}

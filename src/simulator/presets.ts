/**
 * Tenant sizes. `large` follows the figures; `xl` is ten times `large`; `tiny` has about a dozen
 * of each common type (and two or three of the rare ones), small enough to read by eye.
 */
import type { GraphType } from '../model/index.ts';

export type PresetName = 'tiny' | 'small' | 'large' | 'xl';

export const PRESETS: readonly PresetName[] = ['tiny', 'small', 'large', 'xl'];

export type PresetCounts = { readonly [T in GraphType]: number };

const LARGE: PresetCounts = {
  user: 10_000,
  user_group: 1_000,
  system: 5_000,
  system_group: 500,
  policy: 200,
  policy_group: 40,
  application: 300,
  command: 300,
  radius_server: 4,
  ldap_server: 3,
  active_directory: 2,
  g_suite: 2,
  office_365: 2,
  software_app: 50,
  idp_routing_policy: 6,
  password_manager_item: 120,
  rule: 20,
};

function times(counts: PresetCounts, factor: number): PresetCounts {
  const out = {} as Record<GraphType, number>;
  for (const [type, n] of Object.entries(counts) as [GraphType, number][]) out[type] = n * factor;
  return out;
}

export const PRESET_COUNTS: { readonly [P in PresetName]: PresetCounts } = {
  tiny: {
    user: 12,
    user_group: 12,
    system: 12,
    system_group: 12,
    policy: 12,
    policy_group: 12,
    application: 12,
    command: 12,
    radius_server: 3,
    ldap_server: 2,
    active_directory: 2,
    g_suite: 2,
    office_365: 2,
    software_app: 12,
    idp_routing_policy: 3,
    password_manager_item: 12,
    rule: 3,
  },
  small: {
    user: 200,
    user_group: 30,
    system: 100,
    system_group: 15,
    policy: 20,
    policy_group: 5,
    application: 25,
    command: 20,
    radius_server: 2,
    ldap_server: 2,
    active_directory: 1,
    g_suite: 1,
    office_365: 1,
    software_app: 10,
    idp_routing_policy: 2,
    password_manager_item: 10,
    rule: 4,
  },
  large: LARGE,
  xl: times(LARGE, 10),
};

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && (PRESETS as readonly string[]).includes(value);
}

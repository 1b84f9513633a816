/**
 * JSON-schema validators for the list items of the vendored specs (ajv 2020, the dialect of OpenAPI
 * 3.1), used to check every generated record, not only those Prism sees in the contract test.
 * ajv comes with @stoplight/prism-cli (a dev dependency).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadSpec, V1_SPEC_PATH, V2_SPEC_PATH } from '../helpers/spec.ts';

/** The schema each list route's items must satisfy (`v1:` / `v2:` + components/schemas name). */
export const LIST_ITEM_SCHEMAS: Record<string, string> = {
  '/api/systemusers': 'v1#/components/schemas/systemuserreturn',
  '/api/systems': 'v1#/components/schemas/system',
  '/api/applications': 'v1#/components/schemas/application',
  '/api/commands': 'v1#/components/schemas/commandslist/properties/results/items',
  '/api/radiusservers': 'v1#/components/schemas/radiusserver',
  '/api/v2/usergroups': 'v2#/components/schemas/UserGroup',
  '/api/v2/systemgroups': 'v2#/components/schemas/SystemGroup',
  '/api/v2/policygroups': 'v2#/components/schemas/PolicyGroup',
  '/api/v2/policies': 'v2#/components/schemas/Policy',
  '/api/v2/softwareapps': 'v2#/components/schemas/software-app',
  '/api/v2/ldapservers': 'v2#/components/schemas/ldap-server',
  '/api/v2/activedirectories': 'v2#/components/schemas/active-directory',
  '/api/v2/directories': 'v2#/components/schemas/Directory',
  '/api/v2/healthmonitoring/rules': 'v2#/components/schemas/jumpcloud.healthmonitoring.Rule',
};

export type Validate = (value: unknown) => string | undefined;

let ajv: Ajv2020 | undefined;

function instance(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, logger: false });
    addFormats.default(ajv);
    for (const f of ['int32', 'int64', 'uint64', 'uint32', 'double', 'float', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
    ajv.addSchema({ ...loadSpec(V1_SPEC_PATH), $id: 'v1' });
    ajv.addSchema({ ...loadSpec(V2_SPEC_PATH), $id: 'v2' });
  }
  return ajv;
}

/** A validator for a schema reference; it returns undefined when valid, else the errors as text. */
export function validatorFor(ref: string): Validate {
  const validate = instance().compile({ $ref: ref });
  return (value) => (validate(value) ? undefined : JSON.stringify(validate.errors?.slice(0, 3)));
}

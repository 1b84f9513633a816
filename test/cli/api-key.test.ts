import { describe, expect, it } from 'vitest';
import { API_KEY_VARIABLES, apiKeyFrom, requireApiKey } from '../../src/cli/api-key.ts';
import { ConfigError } from '../../src/errors.ts';
import { withoutKey } from '../../src/cli/format.ts';

describe('the API key from the environment', () => {
  it('reads JC_API_KEY first, then JUMPCLOUD_API_KEY; an empty value counts as unset', () => {
    expect(apiKeyFrom({ JC_API_KEY: 'first-key', JUMPCLOUD_API_KEY: 'second-key' })).toBe('first-key');
    expect(apiKeyFrom({ JC_API_KEY: '', JUMPCLOUD_API_KEY: 'second-key' })).toBe('second-key');
    expect(apiKeyFrom({ JUMPCLOUD_API_KEY: 'second-key' })).toBe('second-key');
    expect(apiKeyFrom({ JC_API_KEY: '', JUMPCLOUD_API_KEY: '' })).toBeUndefined();
    expect(apiKeyFrom({})).toBeUndefined();
  });

  it('requireApiKey names both variables and the purpose when there is no key', () => {
    expect(requireApiKey({ JC_API_KEY: 'k-123456' })).toBe('k-123456');
    expect(() => requireApiKey({})).toThrow(ConfigError);
    expect(() => requireApiKey({}, 'for --live')).toThrow(
      'No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to a JumpCloud API key for --live.',
    );
  });

  it('error output takes out the key of every variable read', () => {
    for (const name of API_KEY_VARIABLES) {
      expect(withoutKey('failed with secret-key-value here', { [name]: 'secret-key-value' })).toBe('failed with [key] here');
    }
  });
});

/**
 * Writes a tenant as canonical JSON (the bytes of `canonicalJson(sortTenant(tenant))`), streamed one
 * object and edge at a time so that an `xl` tenant never has to exist as a single string.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { canonicalJson, sortTenant, type TenantData } from '../model/index.ts';

export async function writeTenantJson(tenant: TenantData, path: string): Promise<void> {
  const sorted = sortTenant(tenant);
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  const writeArray = async (items: readonly unknown[]): Promise<void> => {
    await write('[');
    let batch = '';
    for (let i = 0; i < items.length; i++) {
      batch += (i > 0 ? ',' : '') + canonicalJson(items[i]);
      if (batch.length > 1 << 16) {
        await write(batch);
        batch = '';
      }
    }
    await write(`${batch}]`);
  };
  // Keys in sorted order, as canonicalJson writes them: edges, objects, orgId.
  await write('{"edges":');
  await writeArray(sorted.edges);
  await write(',"objects":');
  await writeArray(sorted.objects);
  await write(`,"orgId":${JSON.stringify(sorted.orgId)}}`);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

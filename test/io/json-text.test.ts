/** The one streaming JSON writer (src/io/json-text.ts): byte for byte what JSON.stringify writes for the whole document. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { deferred, jsonTextChunks, streamedArray, writeJsonDocument, writeJsonWithStreamedArray } from '../../src/io/json-text.ts';

function memorySink(): { write(chunk: string): void; chunks: string[] } {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => void chunks.push(chunk) };
}

// Integer-like keys are left out of the streamed array's head and tail: a JS object lists them first
// whatever the order they were set in, so the reference document could not be built in head, array,
// tail order with them. writeJsonDocument itself is tested with any keys.
const plainKey = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__' && !/^(0|[1-9]\d*)$/.test(k));
const fields = fc.dictionary(plainKey, fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }), { maxKeys: 4 });

/** JSON values, with undefined inside objects and arrays (left out, and written as null) and deep nesting. */
const valueWithHoles = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('writeJsonDocument', () => {
  it('writes exactly JSON.stringify(value, null, 2) and a newline, for any JSON value at any depth', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 8 }),
          valueWithHoles.filter((v) => v !== undefined),
        ),
        (value) => {
          const sink = memorySink();
          writeJsonDocument(sink, value);
          expect(sink.chunks.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes a document larger than one chunk in several writes, and one with toJSON as JSON.stringify does', () => {
    const big = {
      bindings: Array.from({ length: 30_000 }, (_, i) => ({ id: `b${i}`, paths: [[{ to: { id: `t${i}` } }]] })),
      at: new Date(0),
    };
    const sink = memorySink();
    writeJsonDocument(sink, big);
    expect(sink.chunks.length).toBeGreaterThan(1);
    expect(sink.chunks.join('')).toBe(`${JSON.stringify(big, null, 2)}\n`);
    expect(() => writeJsonDocument(memorySink(), undefined)).toThrow(InputError);
  });
});

describe('writeJsonWithStreamedArray', () => {
  it('writes exactly what JSON.stringify(document, null, 2) writes', () => {
    fc.assert(
      fc.property(fields, fc.array(valueWithHoles, { maxLength: 5 }), fields, (head, items, tail) => {
        const arrayKey = 'items\u2028"';
        const h = Object.fromEntries(Object.entries(head).filter(([k]) => k !== arrayKey));
        const t = Object.fromEntries(Object.entries(tail).filter(([k]) => k !== arrayKey && !(k in h)));
        const sink = memorySink();
        writeJsonWithStreamedArray(sink, h, arrayKey, (emit) => {
          for (const item of items) emit(item);
          return t;
        });
        expect(sink.chunks.join('')).toBe(`${JSON.stringify({ ...h, [arrayKey]: items, ...t }, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('writes items out while they are still being produced, not all at the end', () => {
    const sink = memorySink();
    let writtenBeforeTheEnd = 0;
    writeJsonWithStreamedArray(sink, {}, 'lines', (emit) => {
      for (let i = 0; i < 5_000; i++) emit('x'.repeat(1_000));
      writtenBeforeTheEnd = sink.chunks.join('').length;
      return { count: 5_000 };
    });
    expect(writtenBeforeTheEnd).toBeGreaterThan(4_000_000);
  });
});

describe('jsonTextChunks', () => {
  it('writes exactly JSON.stringify(value, null, indent) for any indent, any value, any depth', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 8 }),
          valueWithHoles.filter((v) => v !== undefined),
        ),
        fc.integer({ min: 0, max: 4 }),
        (value, indent) => {
          expect([...jsonTextChunks(value, { indent })].join('')).toBe(`${JSON.stringify(value, null, indent)}\n`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes a streamed array item by item and a deferred value when it is reached, as if both were held', () => {
    fc.assert(
      fc.property(fields, fc.array(valueWithHoles, { maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (head, items, indent) => {
        let produced = 0;
        function* produce(): Iterable<unknown> {
          for (const item of items) {
            produced += 1;
            yield item;
          }
        }
        const chunks = jsonTextChunks({ ...head, list: streamedArray(produce()), count: deferred(() => produced) }, { indent });
        expect([...chunks].join('')).toBe(`${JSON.stringify({ ...head, list: items, count: items.length }, null, indent)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('pulls a streamed array as it writes, never ahead of the text', () => {
    let pulled = 0;
    function* rows(): Iterable<unknown> {
      for (let i = 0; i < 1_000; i++) {
        pulled += 1;
        yield { i };
      }
    }
    const chunks = jsonTextChunks({ rows: streamedArray(rows()) })[Symbol.iterator]();
    for (let i = 0; i < 10; i++) chunks.next();
    expect(pulled).toBeLessThan(10);
  });

  it('with compact leaves writes each value below the leaf depth on one line: one item per line', () => {
    const doc = {
      meta: { a: 1, b: [1, 2] },
      rows: streamedArray([
        { x: 1, y: [2] },
        { x: 3, y: [] },
      ]),
    };
    const text = [...jsonTextChunks(doc, { indent: 1, leafDepth: 1, compactLeaves: true })].join('');
    expect(text).toBe('{\n "meta": {"a":1,"b":[1,2]},\n "rows": [\n  {"x":1,"y":[2]},\n  {"x":3,"y":[]}\n ]\n}\n');
    expect(JSON.parse(text)).toEqual({
      meta: { a: 1, b: [1, 2] },
      rows: [
        { x: 1, y: [2] },
        { x: 3, y: [] },
      ],
    });
  });
});

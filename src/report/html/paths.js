// @ts-check
// jcgraph path pictures, shared by the HTML report and the explorer (each page puts this script before
// its own): one row of labelled boxes per path, joined by arrows, dashed for memberships and solid for
// associations. Names are only ever set as text, never as markup.
/* exported JcgraphPaths */

/**
 * A path as the pictures read it (html.ts's EncodedPath): the keys of its objects, subject first, and one
 * step letter per hop (u = member of, d = which contains, a = associated with). A key names an object to
 * objectOf: an index into the report's object table, an id in the explorer.
 * @template [K=number]
 * @typedef {{ o: readonly K[], s: string }} EncodedPath
 */
/** An object as the pictures show it: [type, name, id]. @typedef {readonly [string, string, string]} PathObject */

var JcgraphPaths = (function () {
  'use strict';
  /** @type {'http://www.w3.org/2000/svg'} */
  var SVG = 'http://www.w3.org/2000/svg';
  /** @type {Readonly<Record<string, string>>} */
  var STEP_WORDS = { u: 'member of', d: 'which contains', a: 'associated with' };
  var MAX_LABEL = 22;

  /**
   * @param {string} tag
   * @param {Readonly<Record<string, string | number>>} attrs
   * @param {string} [text]
   * @returns {SVGElement}
   */
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {string} type */
  function role(type) {
    if (type === 'user') return 'user';
    if (/_group$/.test(type)) return 'group';
    return 'resource';
  }

  // Characters that change how the text around them reads without showing themselves (bidirectional
  // overrides and isolates, zero-width characters) are shown as [U+XXXX], so that a name such as
  // "invoice<U+202E>gpj.exe" cannot pass for "invoiceexe.jpg".
  var INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

  /** @param {unknown} text */
  function visible(text) {
    return String(text).replace(INVISIBLE, function (c) {
      return '[U+' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + ']';
    });
  }

  /** @param {string} name */
  function short(name) {
    name = visible(name);
    return name.length > MAX_LABEL ? name.slice(0, MAX_LABEL - 1) + '\u2026' : name;
  }

  // A path is {o: [object keys, subject first], s: one step letter per hop (u, d or a)}; objectOf(key)
  // gives [type, name, id].
  /**
   * @template K
   * @param {EncodedPath<K>} p
   * @param {(key: K) => PathObject} objectOf
   */
  function words(p, objectOf) {
    /** @param {K} k */
    var ref = function (k) {
      var o = objectOf(k);
      return o[0] + ':' + visible(o[1]);
    };
    var text = ref(p.o[0]);
    for (var i = 1; i < p.o.length; i++) text += ' \u2192 ' + STEP_WORDS[p.s[i - 1]] + ' ' + ref(p.o[i]);
    return text;
  }

  /**
   * @template K
   * @param {readonly EncodedPath<K>[]} paths
   * @param {(key: K) => PathObject} objectOf
   * @returns {SVGElement}
   */
  function picture(paths, objectOf) {
    var rowH = 24,
      gap = 6,
      hop = 34,
      pad = 8,
      charW = 7;
    var width = 0;
    var rows = paths.map(function (p) {
      var x = 1;
      var boxes = p.o.map(function (k) {
        var label = short(objectOf(k)[1]);
        var w = Math.ceil(label.length * charW) + 2 * pad;
        var box = { k: k, x: x, w: w, label: label };
        x += w + hop;
        return box;
      });
      width = Math.max(width, x - hop + 1);
      return { p: p, boxes: boxes };
    });
    var height = rows.length * (rowH + gap) - gap + 2;
    var root = svg('svg', { class: 'paths', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    root.setAttribute(
      'aria-label',
      paths
        .map(function (p) {
          return words(p, objectOf);
        })
        .join('; '),
    );
    rows.forEach(function (row, r) {
      var y = 1 + r * (rowH + gap);
      var g = svg('g', { class: 'path' });
      row.boxes.forEach(function (b, k) {
        var o = objectOf(b.k);
        if (k > 0) {
          var prev = row.boxes[k - 1];
          var step = row.p.s[k - 1];
          var x1 = prev.x + prev.w,
            x2 = b.x - 1,
            cy = y + rowH / 2;
          var line = svg('line', { x1: x1, y1: cy, x2: x2 - 5, y2: cy, class: step === 'a' ? 'hop-association' : 'hop-membership' });
          line.appendChild(svg('title', {}, STEP_WORDS[step]));
          g.appendChild(line);
          g.appendChild(svg('polygon', { points: x2 + ',' + cy + ' ' + (x2 - 6) + ',' + (cy - 4) + ' ' + (x2 - 6) + ',' + (cy + 4) }));
        }
        var box = svg('g', { class: 'node' });
        box.appendChild(svg('title', {}, o[0] + ':' + visible(o[1]) + ' (' + o[2] + ')'));
        box.appendChild(svg('rect', { x: b.x, y: y, width: b.w, height: rowH, rx: 5, class: role(o[0]) }));
        box.appendChild(svg('text', { x: b.x + pad, y: y + rowH / 2 + 4 }, b.label));
        g.appendChild(box);
      });
      root.appendChild(g);
    });
    return root;
  }

  return { picture: picture, words: words, visible: visible };
})();

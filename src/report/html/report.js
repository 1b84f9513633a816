// jcgraph access review: renders the tables embedded as JSON in #jcgraph-data (after paths.js, which
// draws the path pictures). Tenant strings are only ever inserted as text nodes or attribute values
// (never as markup), so names cannot inject anything.

/**
 * A table as html.ts's TableSpec writes it: its columns, and rows of cells in the columns' order.
 * @typedef {{ name: string, title: string, columns: readonly Column[], rows: readonly (readonly Cell[])[] }} TableSpec
 */
/** How a column is shown: as text, as a number (sorted as one), or as path pictures. @typedef {'text' | 'number' | 'paths'} ColumnKind */
/** @typedef {{ key: string, title: string, kind: ColumnKind }} Column */
/**
 * A cell: a paths column's holds EncodedPaths, any other's a value shown as text.
 * @typedef {string | number | boolean | null | undefined | readonly EncodedPath[]} Cell
 */
/**
 * The page's data (#jcgraph-data): the objects the pictures name, by index, and the tables by name.
 * @typedef {{ objects: readonly PathObject[], tables: Readonly<Record<string, TableSpec | undefined>> }} ReportData
 */

(function () {
  'use strict';
  // html.ts writes the data element into every report, before this script.
  var dataElement = /** @type {HTMLScriptElement} */ (document.getElementById('jcgraph-data'));
  /** @type {ReportData} */
  var data = JSON.parse(dataElement.textContent);
  var objects = data.objects;
  var PAGE_SIZES = [25, 100, 500];

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Readonly<Record<string, string>> | null} [attrs]
   * @param {readonly (Node | string)[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  // Pictures and words for paths: paths.js (JcgraphPaths), shared with the explorer.
  /** @param {number} i */
  function objectOf(i) {
    return objects[i];
  }

  /** @param {EncodedPath} p */
  function pathWords(p) {
    return JcgraphPaths.words(p, objectOf);
  }

  /**
   * @param {Column} column
   * @param {Cell} value
   */
  function cellText(column, value) {
    if (column.kind === 'paths') return pathsOf(value).map(pathWords).join(' ');
    return value === null || value === undefined ? '' : String(value);
  }

  // A paths column's cell (the column's kind says what its cells hold).
  /** @param {Cell} value */
  function pathsOf(value) {
    return /** @type {readonly EncodedPath[]} */ (value);
  }

  /**
   * @param {IndexedColumn} column
   * @param {SortDirection} dir
   * @returns {(a: Row, b: Row) => number}
   */
  function compare(column, dir) {
    return function (a, b) {
      var x = a.cells[column.index],
        y = b.cells[column.index];
      var r;
      // Number() is what `-` does to each side.
      if (column.kind === 'number') r = Number(x) - Number(y);
      else if (column.kind === 'paths') r = pathsOf(x).length - pathsOf(y).length;
      else r = String(x).localeCompare(String(y), 'en', { sensitivity: 'base', numeric: true });
      return dir === 'ascending' ? r : -r;
    };
  }

  /** @typedef {Column & { index: number }} IndexedColumn */
  /** @typedef {{ cells: readonly Cell[], text: string, n: number }} Row */
  /** @typedef {'ascending' | 'descending'} SortDirection */

  /**
   * @param {Element} container
   * @param {TableSpec} spec
   */
  function mountTable(container, spec) {
    var columns = spec.columns.map(function (c, index) {
      return { key: c.key, title: c.title, kind: c.kind, index: index };
    });
    var all = spec.rows.map(function (cells, n) {
      var text = columns
        .map(function (c) {
          return cellText(c, cells[c.index]);
        })
        .join('\u0000')
        .toLowerCase();
      return { cells: cells, text: text, n: n };
    });
    /** @type {{ rows: Row[], page: number, size: number, sortBy: IndexedColumn | null, dir: SortDirection | null }} */
    var state = { rows: all, page: 0, size: PAGE_SIZES[1], sortBy: null, dir: null };

    var filter = el('input', { type: 'search', placeholder: 'Filter rows\u2026', 'aria-label': 'Filter ' + spec.title });
    var count = el('span', { class: 'count', 'aria-live': 'polite' });
    var prev = el('button', { type: 'button', class: 'prev' }, ['\u2039 Previous']);
    var next = el('button', { type: 'button', class: 'next' }, ['Next \u203a']);
    var size = el(
      'select',
      { 'aria-label': 'Rows per page' },
      PAGE_SIZES.map(function (n) {
        var opt = el('option', { value: String(n) }, [n + ' per page']);
        if (n === state.size) opt.selected = true;
        return opt;
      }),
    );
    var toolbar = el('div', { class: 'toolbar' }, [filter, prev, next, size, count]);
    var headRow = el('tr');
    var ths = columns.map(function (c) {
      var th = el('th', { scope: 'col', class: c.kind === 'number' ? 'num' : '' });
      var button = el('button', { type: 'button', 'data-key': c.key }, [c.title]);
      button.addEventListener('click', function () {
        sortBy(c);
      });
      th.appendChild(button);
      headRow.appendChild(th);
      return th;
    });
    var tbody = el('tbody');
    var table = el('table', { 'data-name': spec.name }, [el('thead', null, [headRow]), tbody]);
    container.appendChild(toolbar);
    container.appendChild(el('div', { class: 'scroll' }, [table]));

    /** @param {IndexedColumn} c */
    function sortBy(c) {
      /** @type {SortDirection} */
      var dir = state.sortBy === c && state.dir === 'ascending' ? 'descending' : 'ascending';
      state.dir = dir;
      state.sortBy = c;
      ths.forEach(function (th, i) {
        if (i === c.index) th.setAttribute('aria-sort', dir);
        else th.removeAttribute('aria-sort');
      });
      apply();
    }

    function apply() {
      var q = filter.value.trim().toLowerCase();
      var rows = q
        ? all.filter(function (r) {
            return r.text.indexOf(q) >= 0;
          })
        : all.slice();
      if (state.sortBy && state.dir) rows.sort(compare(state.sortBy, state.dir));
      state.rows = rows;
      state.page = 0;
      render();
    }

    function render() {
      var pages = Math.max(1, Math.ceil(state.rows.length / state.size));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * state.size;
      var shown = state.rows.slice(start, start + state.size);
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      shown.forEach(function (r) {
        var tr = el('tr');
        columns.forEach(function (c) {
          var value = r.cells[c.index];
          var td = el('td', { class: c.kind === 'number' ? 'num' : c.kind === 'paths' ? 'pic' : 'wrap' });
          if (c.kind === 'paths') {
            var paths = pathsOf(value);
            if (paths.length > 0) td.appendChild(JcgraphPaths.picture(paths, objectOf));
          } else td.appendChild(document.createTextNode(cellText(c, value)));
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      var filtered = state.rows.length === all.length ? '' : ' (filtered from ' + all.length.toLocaleString('en') + ')';
      count.textContent =
        state.rows.length === 0
          ? 'No rows' + filtered
          : 'Rows ' +
            (start + 1).toLocaleString('en') +
            '\u2013' +
            (start + shown.length).toLocaleString('en') +
            ' of ' +
            state.rows.length.toLocaleString('en') +
            filtered;
      count.setAttribute('data-total', String(state.rows.length));
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }

    filter.addEventListener('input', apply);
    prev.addEventListener('click', function () {
      state.page--;
      render();
    });
    next.addEventListener('click', function () {
      state.page++;
      render();
    });
    size.addEventListener('change', function () {
      state.size = Number(size.value);
      state.page = 0;
      render();
    });
    render();
  }

  var containers = document.querySelectorAll('[data-table]');
  for (var i = 0; i < containers.length; i++) {
    // String(): the key as the lookup takes it (the selector found the attribute, so never 'null').
    var spec = data.tables[String(containers[i].getAttribute('data-table'))];
    if (spec) mountTable(containers[i], spec);
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();

// @ts-check
// The jcgraph explorer: one page over the server's /jcgraph/v1 API (same origin, session cookie).
// Every tenant string reaches the page as a text node or an attribute value, never as markup. Nothing
// here can change a tenant: the server answers reads only, and plans are shown as text.

// ---- what the page reads from /jcgraph/v1 ----
// The fields of the answers that this page reads, as the server writes them: the `--json` documents of
// src/documents, built from the analysis types named in each summary. Fields the page does not read are
// left out.

/** An object as the answers name it (analysis NamedRef). @typedef {{ type: string, id: string, name: string }} NamedRef */
/**
 * An edge (analysis EdgeRef).
 * @typedef {{ kind: 'membership' | 'association', from: { type: string, id: string }, to: { type: string, id: string } }} EdgeRef
 */
/**
 * A path, subject first (analysis AccessPath): `edges[i]` joins `objects[i]` and `objects[i+1]`.
 * @typedef {{ objects: NamedRef[], edges: EdgeRef[] }} AccessPath
 */
/** A binding's compiled sudo (model SudoValue). @typedef {{ enabled: boolean, withoutPassword: boolean }} SudoValue */
/**
 * A (subject, target) pair with every path (analysis Binding).
 * @typedef {{
 *   subject: NamedRef,
 *   target: NamedRef,
 *   label: string,
 *   paths: AccessPath[],
 *   compiledAttributes?: { sudo?: SudoValue },
 * }} Binding
 */
/** A dry-run API call (analysis ApiOperation). @typedef {{ method: string, path: string, body: unknown }} ApiOperation */
/**
 * What a plan's removals end, and what keeps access through other paths (analysis Collateral).
 * @typedef {{ lost: Binding[], surviving: { subject: NamedRef, target: NamedRef }[] }} Collateral
 */
/**
 * What an exemption step exempts, from which rule, and how the membership then ends (analysis Exemption).
 * @typedef {{
 *   group: NamedRef,
 *   member: NamedRef,
 *   rule: string,
 *   removedBy: 'rule' | 'next-step' | 'not-a-member',
 *   matchedBy: { field: string, value: unknown }[],
 * }} Exemption
 */
/**
 * The fields of a step that ends an edge (analysis EdgeStepFields).
 * @typedef {{ edge: EdgeRef, from: NamedRef, to: NamedRef, operation: ApiOperation, collateral: Collateral, note?: string }} EdgeStepFields
 */
/**
 * A step that ends one edge: a removal, or an exemption from a dynamic group's rule (analysis EdgeCutStep).
 * @typedef {(EdgeStepFields & { action: 'remove' }) | (EdgeStepFields & { action: 'exempt', exemption: Exemption })} EdgeCutStep
 */
/**
 * A revoke plan's step, with the revoked binding's paths it cuts (analysis PlanStep).
 * @typedef {EdgeCutStep & { cutsPaths: number[] }} RevokeStep
 */
/**
 * The suspension in an offboarding plan (analysis SuspendStep): it names no edge, and has no note.
 * @typedef {{
 *   action: 'suspend',
 *   user: NamedRef,
 *   operation: ApiOperation,
 *   ends: string[],
 *   collateral: Collateral,
 *   note?: undefined,
 * }} SuspendStep
 */
/**
 * An offboarding plan's step, with the user's bindings (target ids) it ends (analysis OffboardStep).
 * @typedef {(EdgeCutStep & { ends: string[] }) | SuspendStep} OffboardStep
 */
/**
 * GET revoke (analysis RevokePlan).
 * @typedef {{
 *   subject: NamedRef,
 *   resource: NamedRef,
 *   strategy: string,
 *   reached: boolean,
 *   steps: RevokeStep[],
 *   collateral: Collateral,
 *   verified: boolean,
 *   search: { candidates: number, exhaustive: boolean },
 *   notes: string[],
 * }} RevokePlan
 */
/**
 * GET offboard (analysis OffboardPlan).
 * @typedef {{ user: NamedRef, bindings: Binding[], steps: OffboardStep[], remaining: Binding[], notes: string[] }} OffboardPlan
 */
/**
 * GET why (analysis WhyAnswer): the paths, and which of them each compiled attribute came from.
 * @typedef {{
 *   paths: (AccessPath & { label: string })[],
 *   attributeSources: { key: string, value: unknown, level?: string, paths: number[] }[],
 * }} WhyAnswer
 */
/** GET access (documents AccessDocument). @typedef {{ subject: NamedRef, bindings: Binding[] }} AccessDocument */
/** GET who (documents WhoDocument). @typedef {{ resource: NamedRef, bindings: Binding[] }} WhoDocument */
/** GET search (analysis SearchResult). @typedef {{ query: string, total: number, hits: NamedRef[] }} SearchResult */
/**
 * A user or system group's rule in words (analysis RuleSummary).
 * @typedef {{
 *   method: string,
 *   dynamic: boolean,
 *   rule: string,
 *   exemptions: (NamedRef & { gone?: true })[],
 *   errorFlags: string[],
 *   cannotEvaluate?: string,
 * }} RuleSummary
 */
/**
 * GET object (serve/analysis.ts).
 * @typedef {NamedRef & { ref: string, record: Record<string, unknown>, groups: NamedRef[], rule?: RuleSummary }} ObjectDocument
 */
/**
 * What grants sudo: a user group's own sudo, or an association between two ends (analysis SudoGrant).
 * @typedef {{ group?: NamedRef, ends?: [NamedRef, NamedRef] }} SudoGrant
 */
/**
 * Sudo on systems, by what grants it (analysis PrivilegedGrant).
 * @typedef {{
 *   level: string,
 *   grantedBy: SudoGrant[],
 *   bindings: number,
 *   withoutPassword: number,
 *   users: NamedRef[],
 *   example: { subject: NamedRef, target: NamedRef },
 * }} PrivilegedGrant
 */
/**
 * GET findings (analysis Findings).
 * @typedef {{
 *   totals: { subjects: number, bindings: number, paths: number },
 *   privileged: { grants: PrivilegedGrant[] },
 *   userSudo: { user: NamedRef, sudo: boolean, passwordlessSudo: boolean, bindings: number }[],
 *   inactiveUsers: { user: NamedRef, reasons: string[], bindings: { target: NamedRef }[] }[],
 *   redundant: { subject: NamedRef, target: NamedRef, direct: AccessPath[], indirect: AccessPath[] }[],
 *   blastRadius: (SudoGrant & { bindingsCut: number, pathsThrough: number })[],
 *   directlyBound: { user: NamedRef, targets: NamedRef[] }[],
 *   emptyGroups: NamedRef[],
 *   unboundResources: NamedRef[],
 * }} Findings
 */
/**
 * GET /jcgraph/v1 (serve/analysis.ts): the organization served, and the id of the campaign served (or null).
 * @typedef {{ organization: { orgId: string, source: string, objects: number, edges: number }, campaign: string | null }} ApiIndex
 */
/** A decision's count per value (review DecisionValue). @typedef {{ keep: number, revoke: number, flag: number }} DecisionCounts */
/**
 * A campaign item with the decision in force (serve/campaign.ts CampaignItemAnswer).
 * @typedef {{
 *   id: string,
 *   user: NamedRef & { email: string },
 *   resource: NamedRef,
 *   label: string,
 *   reviewer: { name: string, source: string },
 *   decision: { decision: string, reviewer: string, decidedAt: string, reason: string } | null,
 * }} CampaignItem
 */
/**
 * GET campaign (serve/campaign.ts CampaignAnswer).
 * @typedef {{
 *   campaign: string,
 *   startedAt: string,
 *   closedAt: string | null,
 *   scope: { given: string[], description: string },
 *   snapshot: { sha256: string, orgId: string, apiHost: string, startedAt: string, complete: boolean },
 *   progress: {
 *     total: number,
 *     decided: number,
 *     decisions: DecisionCounts,
 *     reviewers: { reviewer: string, total: number, decided: number, decisions: DecisionCounts }[],
 *   },
 *   total: number,
 *   skip: number,
 *   limit: number,
 *   items: CampaignItem[],
 * }} CampaignAnswer
 */
/**
 * What each route the page asks answers, by its path under /jcgraph/v1.
 * @typedef {{
 *   '': ApiIndex,
 *   '/search': SearchResult,
 *   '/object': ObjectDocument,
 *   '/access': AccessDocument,
 *   '/who': WhoDocument,
 *   '/why': WhyAnswer,
 *   '/revoke': RevokePlan,
 *   '/offboard': OffboardPlan,
 *   '/findings': Findings,
 *   '/campaign': CampaignAnswer,
 * }} ApiAnswers
 */
/**
 * An error answer's `error` (serve/analysis.ts).
 * @typedef {{ name: string, message: string, parameter?: string, candidates?: string[] }} ApiErrorBody
 */
/**
 * Query parameters: an array's values appended one by one; undefined, null and empty values left out.
 * @typedef {Readonly<Record<string, string | number | readonly string[] | undefined>>} ApiParams
 */
/**
 * A child for el(): a node, or text (a number shown as its digits); null and undefined are skipped.
 * @typedef {Node | string | number | null | undefined} Child
 */

(function () {
  'use strict';
  var ROOT = '/jcgraph/v1';
  var PAGE = 50;
  // The page (page.ts) has each of these elements, of these kinds.
  var view = /** @type {HTMLElement} */ (document.getElementById('view'));
  var search = /** @type {HTMLInputElement} */ (document.getElementById('search'));
  var results = /** @type {HTMLUListElement} */ (document.getElementById('search-results'));
  var orgLine = /** @type {HTMLElement} */ (document.getElementById('org'));
  var campaignLink = /** @type {HTMLAnchorElement} */ (document.getElementById('campaign-link'));

  // ---- small DOM helpers ----

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Readonly<Record<string, string | null | undefined>> | null} [attrs] null and undefined values are left out
   * @param {readonly Child[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs)
      for (var k in attrs) {
        var value = attrs[k];
        if (value !== undefined && value !== null) node.setAttribute(k, value);
      }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return node;
  }

  /** @param {Node} node */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  var visible = JcgraphPaths.visible;

  // As jcgraph names objects (`user:jdoe`, `user_group:"All Staff"`), invisible characters shown.
  /** @param {NamedRef} o */
  function ref(o) {
    return visible(/^[^\s"\\:>~]+$/.test(o.name) ? o.type + ':' + o.name : o.type + ':' + JSON.stringify(o.name));
  }

  /** @param {NamedRef} o */
  function objectLink(o) {
    return el('a', { href: '#/object/' + encodeURIComponent(o.id), class: 'obj', title: o.type + ' ' + o.id }, [ref(o)]);
  }

  /**
   * @param {number} n
   * @param {string} word
   */
  function plural(n, word) {
    return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
  }

  /** @param {Binding['compiledAttributes']} compiled */
  function sudoText(compiled) {
    var s = compiled && compiled.sudo;
    if (!s) return '';
    return s.enabled ? (s.withoutPassword ? 'yes, no password' : 'yes') : 'no';
  }

  /**
   * @param {EdgeRef} edge
   * @param {Readonly<Record<string, NamedRef | undefined>>} names
   */
  function edgeText(edge, names) {
    /** @param {{ type: string, id: string }} end */
    var name = function (end) {
      var known = names[end.id];
      return known ? ref(known) : end.type + ':' + end.id;
    };
    return name(edge.from) + (edge.kind === 'membership' ? '>' : '~') + name(edge.to);
  }

  /** @param {ApiOperation} op */
  function operationText(op) {
    return op.method + ' ' + op.path + ' ' + JSON.stringify(op.body);
  }

  // ---- the API ----

  /**
   * An answer other than 200, with its error.
   * @constructor
   * @param {number} status
   * @param {{ error?: ApiErrorBody } | null} body
   */
  function ApiError(status, body) {
    this.status = status;
    this.error = (body && body.error) || { name: 'Error', message: 'the server answered ' + status };
  }

  /**
   * @template {keyof ApiAnswers} P
   * @param {P} path
   * @param {ApiParams} [params]
   * @param {unknown} [body] sent as JSON in a POST
   * @returns {Promise<ApiAnswers[P]>}
   */
  function api(path, params, body) {
    var query = new URLSearchParams();
    var given = params || {};
    Object.keys(given).forEach(function (k) {
      var v = given[k];
      (Array.isArray(v) ? v : [v]).forEach(function (x) {
        if (x !== undefined && x !== null && x !== '') query.append(k, String(x));
      });
    });
    var qs = query.toString();
    /** @type {RequestInit & { headers: Record<string, string> }} */
    var init = { credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.method = 'POST';
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(ROOT + path + (qs ? '?' + qs : ''), init).then(function (r) {
      return r.json().then(
        function (json) {
          if (!r.ok) throw new ApiError(r.status, json);
          return json;
        },
        function () {
          throw new ApiError(r.status, null);
        },
      );
    });
  }

  /** @param {unknown} e */
  function errorBox(e) {
    var message = e !== null && typeof e === 'object' && 'message' in e ? e.message : undefined;
    /** @type {ApiErrorBody} */
    var err = e instanceof ApiError ? e.error : { name: 'Error', message: String(message || e) };
    var box = el('div', { class: 'error', role: 'alert' }, [el('strong', null, [err.name + ': ']), visible(err.message)]);
    if (err.candidates && err.candidates.length) {
      box.appendChild(el('div', { class: 'note' }, ['Candidates: ' + visible(err.candidates.join(', '))]));
    }
    return box;
  }

  /**
   * @param {Node} node
   * @param {string} [text]
   */
  function busy(node, text) {
    clear(node);
    node.appendChild(el('p', { class: 'note busy' }, [text || 'Loading\u2026']));
  }

  // ---- paths ----

  // An analysis AccessPath as the picture wants it: object ids and one step letter per hop.
  /**
   * @param {AccessPath} p
   * @returns {EncodedPath<string>}
   */
  function encodePath(p) {
    var s = '';
    p.edges.forEach(function (e, i) {
      s += e.kind === 'association' ? 'a' : e.to.id === p.objects[i].id ? 'u' : 'd';
    });
    return {
      o: p.objects.map(function (o) {
        return o.id;
      }),
      s: s,
    };
  }

  /** @param {AccessPath[]} paths */
  function pathsPicture(paths) {
    /** @type {Record<string, PathObject>} */
    var byId = {};
    paths.forEach(function (p) {
      p.objects.forEach(function (o) {
        byId[o.id] = [o.type, o.name, o.id];
      });
    });
    return JcgraphPaths.picture(paths.map(encodePath), function (id) {
      return byId[id];
    });
  }

  /** @param {AccessPath} p */
  function pathWords(p) {
    return p.objects.map(ref).join(' \u2192 ');
  }

  // ---- search ----

  /** @type {{ hits: NamedRef[], active: number, timer: number, seq: number }} */
  var searchState = { hits: [], active: -1, timer: 0, seq: 0 };

  function closeResults() {
    results.hidden = true;
    search.setAttribute('aria-expanded', 'false');
    search.removeAttribute('aria-activedescendant');
    searchState.active = -1;
  }

  /** @param {number} i */
  function setActive(i) {
    var items = results.querySelectorAll('[role="option"]');
    if (items.length === 0) return;
    searchState.active = (i + items.length) % items.length;
    for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === searchState.active ? 'true' : 'false');
    search.setAttribute('aria-activedescendant', items[searchState.active].id);
    items[searchState.active].scrollIntoView({ block: 'nearest' });
  }

  /** @param {NamedRef} hit */
  function openHit(hit) {
    closeResults();
    location.hash = '#/object/' + encodeURIComponent(hit.id);
  }

  /** @param {SearchResult} answer */
  function showHits(answer) {
    clear(results);
    searchState.hits = answer.hits;
    answer.hits.forEach(function (h, i) {
      var li = el('li', { role: 'option', id: 'hit-' + i, 'aria-selected': 'false', 'data-id': h.id }, [
        el('span', { class: 'badge' }, [h.type]),
        ' ',
        el('span', { class: 'hit-name' }, [visible(h.name)]),
        ' ',
        el('code', null, [h.id]),
      ]);
      li.addEventListener('mousedown', function (ev) {
        ev.preventDefault();
        openHit(h);
      });
      results.appendChild(li);
    });
    if (answer.hits.length === 0) results.appendChild(el('li', { class: 'note' }, ['No object matches.']));
    else if (answer.total > answer.hits.length)
      results.appendChild(
        el('li', { class: 'note' }, [
          'First ' + answer.hits.length + ' of ' + answer.total.toLocaleString('en') + ' matches; type more to narrow.',
        ]),
      );
    results.hidden = false;
    search.setAttribute('aria-expanded', 'true');
    results.setAttribute('data-query', answer.query);
  }

  function runSearch() {
    var q = search.value.trim();
    if (!q) return closeResults();
    var seq = ++searchState.seq;
    api('/search', { q: q, limit: 20 }).then(
      function (answer) {
        if (seq === searchState.seq) showHits(answer);
      },
      function (e) {
        if (seq !== searchState.seq) return;
        clear(results);
        results.appendChild(el('li', null, [errorBox(e)]));
        results.hidden = false;
      },
    );
  }

  search.addEventListener('input', function () {
    clearTimeout(searchState.timer);
    searchState.timer = setTimeout(runSearch, 120);
  });
  search.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (results.hidden) runSearch();
      else setActive(searchState.active + 1);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      setActive(searchState.active - 1);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      var hit = searchState.hits[searchState.active >= 0 ? searchState.active : 0];
      if (hit && !results.hidden) openHit(hit);
      else runSearch();
    } else if (ev.key === 'Escape') closeResults();
  });
  search.addEventListener('blur', function () {
    setTimeout(closeResults, 150);
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    var typing = t instanceof Element && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (ev.key === '/' && !typing) {
      ev.preventDefault();
      search.focus();
      search.select();
    }
  });

  // ---- plans ----

  /**
   * @param {Collateral} collateral
   * @param {number} limit
   */
  function collateralList(collateral, limit) {
    var box = el('div', { class: 'collateral' });
    var lost = collateral.lost;
    box.appendChild(el('p', null, [lost.length === 0 ? 'Ends no other access.' : 'Ends ' + plural(lost.length, 'other binding') + ':']));
    if (lost.length) {
      var ul = el('ul');
      lost.slice(0, limit).forEach(function (b) {
        ul.appendChild(el('li', null, [objectLink(b.subject), ' \u2192 ', objectLink(b.target)]));
      });
      if (lost.length > limit)
        ul.appendChild(el('li', { class: 'note' }, ['\u2026 and ' + (lost.length - limit).toLocaleString('en') + ' more']));
      box.appendChild(ul);
    }
    if (collateral.surviving.length)
      box.appendChild(
        el('p', { class: 'note' }, [plural(collateral.surviving.length, 'binding') + ' used it and keep access through other paths.']),
      );
    return box;
  }

  /**
   * @param {readonly (NamedRef | null | undefined)[]} list
   * @returns {Record<string, NamedRef>}
   */
  function names(list) {
    /** @type {Record<string, NamedRef>} */
    var out = {};
    list.forEach(function (o) {
      if (o) out[o.id] = o;
    });
    return out;
  }

  // A step's first words: what it does to which edge (a removal, an exemption from a rule, the suspension).
  /**
   * @param {RevokeStep | OffboardStep} s
   * @param {Readonly<Record<string, NamedRef | undefined>>} known
   * @returns {Child[]}
   */
  function stepHead(s, known) {
    if (s.action === 'suspend') return ['suspend ' + ref(s.user)];
    if (s.action === 'exempt')
      return [
        'exempt ' + ref(s.exemption.member) + ' from ' + ref(s.exemption.group) + "'s rule ",
        el('code', null, [visible(s.exemption.rule)]),
      ];
    return ['remove ' + s.edge.kind + ' ', el('span', { class: 'edge' }, [edgeText(s.edge, known)])];
  }

  // What a step needs said: an exemption leaves the rule as it is; a removal may hold only thanks to one.
  /** @param {RevokeStep | OffboardStep} s */
  function stepNote(s) {
    var lines = [];
    if (s.action === 'exempt') {
      var x = s.exemption;
      lines.push(
        'The rule stays; only this member is exempted' +
          (x.removedBy === 'rule'
            ? ", and the rule's next run removes the membership."
            : x.removedBy === 'next-step'
              ? ', and the next step removes the membership, which then holds.'
              : ': the rule will not add it.'),
      );
      if (x.matchedBy.length)
        lines.push(
          'Without an exemption, change what the rule matches: ' +
            x.matchedBy
              .map(function (m) {
                return m.field + ' = ' + JSON.stringify(m.value);
              })
              .join(', ') +
            '.',
        );
    }
    if (s.note) lines.push(s.note);
    return lines.length ? el('p', { class: 'note' }, [visible(lines.join(' '))]) : null;
  }

  /** @param {RevokePlan} plan */
  function planView(plan) {
    var box = el('section', { class: 'plan', 'data-strategy': plan.strategy });
    box.appendChild(el('h4', null, ['Strategy ' + plan.strategy]));
    if (!plan.reached) {
      box.appendChild(el('p', null, [ref(plan.subject) + ' does not reach ' + ref(plan.resource) + ': nothing to revoke.']));
      return box;
    }
    var known = names(
      [plan.subject, plan.resource].concat(
        plan.steps.map(function (s) {
          return s.from;
        }),
        plan.steps.map(function (s) {
          return s.to;
        }),
      ),
    );
    box.appendChild(
      el('p', null, [
        plural(plan.steps.length, 'step') +
          ' (a dry run: nothing is sent); ' +
          plural(plan.collateral.lost.length, 'other binding') +
          ' lost in all.',
      ]),
    );
    var ol = el('ol', { class: 'steps' });
    plan.steps.forEach(function (s) {
      var cuts = s.cutsPaths.length
        ? ' (cuts path ' +
          s.cutsPaths
            .map(function (i) {
              return i + 1;
            })
            .join(', ') +
          ')'
        : '';
      ol.appendChild(
        el('li', { 'data-action': s.action }, [
          el('div', null, stepHead(s, known).concat([cuts])),
          stepNote(s),
          el('code', { class: 'api-call' }, [operationText(s.operation)]),
          s.cutsPaths.length ? collateralList(s.collateral, 10) : null,
        ]),
      );
    });
    box.appendChild(ol);
    (plan.notes || []).forEach(function (n) {
      box.appendChild(el('p', { class: 'note' }, [visible(n)]));
    });
    if (plan.strategy === 'least-collateral' && plan.search && !plan.search.exhaustive) {
      box.appendChild(el('p', { class: 'note' }, ['Searched ' + plan.search.candidates + ' candidate plans, not every minimal cut.']));
    }
    box.appendChild(
      el('p', { class: plan.verified ? 'ok' : 'error' }, [
        plan.verified
          ? 'Checked: after the plan, ' + ref(plan.subject) + ' no longer reaches ' + ref(plan.resource) + '.'
          : 'Warning: after the plan, ' + ref(plan.subject) + ' still reaches ' + ref(plan.resource) + '.',
      ]),
    );
    return box;
  }

  /**
   * @param {Node} container
   * @param {string} subjectId
   * @param {string} resourceId
   */
  function showRevoke(container, subjectId, resourceId) {
    var panel = el('div', { class: 'revoke', 'aria-live': 'polite' });
    container.appendChild(panel);
    busy(panel, 'Planning with each strategy\u2026');
    var strategies = ['fewest-changes', 'least-collateral', 'subject-only'];
    Promise.all(
      strategies.map(function (strategy) {
        return api('/revoke', { subject: subjectId, resource: resourceId, strategy: strategy }).then(planView, function (e) {
          return el('section', { class: 'plan', 'data-strategy': strategy }, [el('h4', null, ['Strategy ' + strategy]), errorBox(e)]);
        });
      }),
    ).then(function (views) {
      clear(panel);
      panel.appendChild(el('h3', null, ['Revoke plans']));
      views.forEach(function (v) {
        panel.appendChild(v);
      });
      panel.setAttribute('data-ready', 'true');
    });
  }

  /**
   * @param {Node} container
   * @param {string} userId
   */
  function showOffboard(container, userId) {
    var panel = el('div', { class: 'offboard', 'aria-live': 'polite' });
    clear(container);
    container.appendChild(panel);
    busy(panel, 'Planning the offboarding\u2026');
    api('/offboard', { user: userId }).then(
      function (plan) {
        clear(panel);
        var known = names(
          /** @type {(NamedRef | null)[]} */ ([plan.user]).concat(
            plan.bindings.map(function (b) {
              return b.target;
            }),
            plan.steps.map(function (s) {
              return s.action === 'suspend' ? null : s.from;
            }),
            plan.steps.map(function (s) {
              return s.action === 'suspend' ? null : s.to;
            }),
          ),
        );
        panel.appendChild(el('h3', null, ['Offboarding ' + ref(plan.user) + ' (a dry run: nothing is sent)']));
        panel.appendChild(el('p', null, [plural(plan.bindings.length, 'binding') + ' to end, ' + plural(plan.steps.length, 'step') + '.']));
        var ol = el('ol', { class: 'steps' });
        plan.steps.forEach(function (s) {
          var ends =
            s.ends.length === 0
              ? 'cleanup: grants no access'
              : 'ends paths to ' +
                s.ends
                  .map(function (id) {
                    return known[id] ? ref(known[id]) : id;
                  })
                  .join(', ');
          ol.appendChild(
            el('li', { 'data-action': s.action }, [
              el('div', null, stepHead(s, known).concat([' (' + ends + ')'])),
              stepNote(s),
              el('code', { class: 'api-call' }, [operationText(s.operation)]),
              s.collateral.lost.length ? collateralList(s.collateral, 10) : null,
            ]),
          );
        });
        panel.appendChild(ol);
        (plan.notes || []).forEach(function (n) {
          panel.appendChild(el('p', { class: 'note' }, [visible(n)]));
        });
        panel.appendChild(
          el('p', { class: plan.remaining.length === 0 ? 'ok' : 'error' }, [
            plan.remaining.length === 0
              ? 'Checked: after the plan, ' + ref(plan.user) + ' has no binding left.'
              : 'Warning: ' + plural(plan.remaining.length, 'binding') + ' remain.',
          ]),
        );
        panel.setAttribute('data-ready', 'true');
      },
      function (e) {
        clear(panel);
        panel.appendChild(errorBox(e));
      },
    );
  }

  // ---- a binding, opened ----

  /**
   * @param {Node} container
   * @param {NamedRef} subject
   * @param {NamedRef} resource
   * @param {Binding} binding
   */
  function explain(container, subject, resource, binding) {
    clear(container);
    container.appendChild(el('div', { class: 'pic' }, [pathsPicture(binding.paths)]));
    var detail = el('div', { class: 'why', 'aria-live': 'polite' });
    container.appendChild(detail);
    busy(detail, 'Explaining\u2026');
    api('/why', { subject: subject.id, resource: resource.id }).then(
      function (why) {
        clear(detail);
        var ol = el('ol', { class: 'paths-list' });
        why.paths.forEach(function (p) {
          ol.appendChild(el('li', null, [el('span', { class: 'badge' }, [p.label]), ' ', pathWords(p)]));
        });
        detail.appendChild(ol);
        if (why.attributeSources.length) {
          var dl = el('dl', { class: 'provenance' });
          why.attributeSources.forEach(function (s) {
            dl.appendChild(el('dt', null, [s.key]));
            dl.appendChild(
              el('dd', null, [
                el('code', null, [JSON.stringify(s.value)]),
                ' from ' +
                  (s.paths.length === 1 ? 'path ' : 'paths ') +
                  s.paths
                    .map(function (i) {
                      return i + 1;
                    })
                    .join(', ') +
                  (s.level ? ' (' + s.level + ')' : ''),
              ]),
            );
          });
          detail.appendChild(el('h4', null, ['Where each compiled attribute comes from']));
          detail.appendChild(dl);
        } else detail.appendChild(el('p', { class: 'note' }, ['No compiled attributes.']));
        var revoke = el('button', { type: 'button', class: 'action revoke-button' }, ['Plan revoke\u2026']);
        revoke.addEventListener('click', function () {
          revoke.disabled = true;
          showRevoke(detail, subject.id, resource.id);
        });
        detail.appendChild(revoke);
        detail.setAttribute('data-ready', 'true');
      },
      function (e) {
        clear(detail);
        detail.appendChild(errorBox(e));
      },
    );
  }

  // ---- bindings table with filters ----

  // `end`: which end of each binding the rows show (target for what the object reaches, subject for who reaches it).
  /**
   * @param {string} title
   * @param {Binding[]} bindings
   * @param {'subject' | 'target'} end
   * @param {NamedRef} self
   */
  function bindingsTable(title, bindings, end, self) {
    var section = el('section', { class: 'bindings', 'data-end': end });
    section.appendChild(el('h2', null, [title + ' (' + bindings.length.toLocaleString('en') + ')']));
    if (bindings.length === 0) {
      section.appendChild(el('p', { class: 'note' }, ['None.']));
      return section;
    }
    /** @type {Record<string, true>} */
    var types = {};
    bindings.forEach(function (b) {
      types[b[end].type] = true;
    });
    var text = el('input', { type: 'search', placeholder: 'Filter by name or id\u2026', 'aria-label': 'Filter ' + title });
    var typeSel = el(
      'select',
      { 'aria-label': 'Type' },
      [el('option', { value: '' }, ['every type'])].concat(
        Object.keys(types)
          .sort()
          .map(function (t) {
            return el('option', { value: t }, [t]);
          }),
      ),
    );
    var labelSel = el(
      'select',
      { 'aria-label': 'Label' },
      [
        ['', 'direct or indirect'],
        ['direct', 'direct only'],
        ['indirect', 'indirect only'],
        ['direct/indirect', 'both ways'],
      ].map(function (x) {
        return el('option', { value: x[0] }, [x[1]]);
      }),
    );
    var sudoBox = el('input', { type: 'checkbox', id: 'sudo-only-' + end });
    var count = el('span', { class: 'count', 'aria-live': 'polite' });
    var prev = el('button', { type: 'button', class: 'prev' }, ['\u2039 Previous']);
    var next = el('button', { type: 'button', class: 'next' }, ['Next \u203a']);
    section.appendChild(
      el('div', { class: 'toolbar' }, [text, typeSel, labelSel, el('label', null, [sudoBox, ' sudo only']), prev, next, count]),
    );
    var tbody = el('tbody');
    var head = el(
      'tr',
      null,
      ['Type', 'Name', 'Label', 'Paths', 'Sudo', ''].map(function (h) {
        return el('th', { scope: 'col' }, [h]);
      }),
    );
    section.appendChild(
      el('div', { class: 'scroll' }, [
        el('table', { 'data-name': end === 'target' ? 'reaches' : 'reached-by' }, [el('thead', null, [head]), tbody]),
      ]),
    );
    var state = { rows: bindings, page: 0 };

    function apply() {
      var q = text.value.trim().toLowerCase();
      state.rows = bindings.filter(function (b) {
        var o = b[end];
        if (typeSel.value && o.type !== typeSel.value) return false;
        if (labelSel.value && b.label !== labelSel.value) return false;
        if (sudoBox.checked && !(b.compiledAttributes && b.compiledAttributes.sudo && b.compiledAttributes.sudo.enabled)) return false;
        return !q || o.name.toLowerCase().indexOf(q) >= 0 || o.id.toLowerCase().indexOf(q) >= 0;
      });
      state.page = 0;
      render();
    }

    function render() {
      clear(tbody);
      var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * PAGE;
      state.rows.slice(start, start + PAGE).forEach(function (b) {
        var o = b[end];
        var toggle = el('button', { type: 'button', class: 'explain', 'aria-expanded': 'false' }, ['Paths']);
        var tr = el('tr', { 'data-id': o.id }, [
          el('td', null, [o.type]),
          el('td', { class: 'wrap' }, [objectLink(o)]),
          el('td', null, [b.label]),
          el('td', { class: 'num' }, [String(b.paths.length)]),
          el('td', null, [sudoText(b.compiledAttributes)]),
          el('td', null, [toggle]),
        ]);
        var detailCell = el('td', { colspan: '6' });
        var detailRow = el('tr', { class: 'detail', hidden: '' }, [detailCell]);
        toggle.addEventListener('click', function () {
          var open = toggle.getAttribute('aria-expanded') === 'true';
          toggle.setAttribute('aria-expanded', open ? 'false' : 'true');
          detailRow.hidden = open;
          if (!open && !detailCell.firstChild) {
            var subject = end === 'target' ? self : o;
            var resource = end === 'target' ? o : self;
            explain(detailCell, subject, resource, b);
          }
        });
        tbody.appendChild(tr);
        tbody.appendChild(detailRow);
      });
      count.textContent =
        state.rows.length === 0
          ? 'No rows'
          : 'Rows ' + (start + 1) + '\u2013' + Math.min(start + PAGE, state.rows.length) + ' of ' + state.rows.length.toLocaleString('en');
      count.setAttribute('data-total', String(state.rows.length));
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }

    text.addEventListener('input', apply);
    typeSel.addEventListener('change', apply);
    labelSel.addEventListener('change', apply);
    sudoBox.addEventListener('change', apply);
    prev.addEventListener('click', function () {
      state.page--;
      render();
    });
    next.addEventListener('click', function () {
      state.page++;
      render();
    });
    render();
    return section;
  }

  // ---- pages ----

  /** @type {Readonly<Record<string, boolean>>} */
  var REACHES_ONLY = { user: true, user_group: true };
  var RUNS_ON = ['command', 'policy', 'policy_group'];

  // The fields a reviewer looks at first, then the record's other plain fields.
  var FIRST_FIELDS = [
    'username',
    'email',
    'displayName',
    'displayname',
    'hostname',
    'state',
    'suspended',
    'account_locked',
    'activated',
    'sudo',
    'passwordless_sudo',
    'os',
    'active',
    'membershipMethod',
    'description',
  ];

  /** @param {Record<string, unknown>} record */
  function recordView(record) {
    var dl = el('dl', { class: 'record' });
    var keys = FIRST_FIELDS.filter(function (k) {
      return k in record;
    }).concat(
      Object.keys(record).filter(function (k) {
        return FIRST_FIELDS.indexOf(k) < 0;
      }),
    );
    var shown = 0;
    keys.forEach(function (k) {
      var v = record[k];
      if (shown >= 14 || v === null || typeof v === 'object' || k === '_id' || k === 'id') return;
      dl.appendChild(el('dt', null, [k]));
      dl.appendChild(el('dd', null, [visible(String(v))]));
      shown++;
    });
    return el('div', null, [
      dl,
      el('details', null, [el('summary', null, ['The whole record']), el('pre', null, [visible(JSON.stringify(record, null, 2))])]),
    ]);
  }

  // A user or system group's rule: how its members are decided, the rule in words, who is exempt.
  /** @param {RuleSummary} rule */
  function ruleView(rule) {
    var box = el('div', { class: 'rule' });
    if (!rule.dynamic) {
      box.appendChild(el('p', null, ['Members are added by hand (' + rule.method + ').']));
      return box;
    }
    box.appendChild(
      el('p', null, [
        rule.method === 'DYNAMIC_AUTOMATED'
          ? 'Members are whoever the rule matches: '
          : 'The rule adds whoever it matches (review required): ',
        el('code', null, [visible(rule.rule)]),
      ]),
    );
    if (rule.exemptions.length) {
      var exempt = el('p', null, ['Exempt from the rule: ']);
      rule.exemptions.forEach(function (e, i) {
        if (i) exempt.appendChild(document.createTextNode(', '));
        exempt.appendChild(e.gone ? el('span', null, [visible(e.type + ' ' + e.id + ' (no longer in the organization)')]) : objectLink(e));
      });
      box.appendChild(exempt);
    }
    if (rule.errorFlags.length) box.appendChild(el('p', null, ['Error flags: ' + rule.errorFlags.join(', ')]));
    if (rule.cannotEvaluate) box.appendChild(el('p', { class: 'note warning' }, [visible(rule.cannotEvaluate)]));
    return box;
  }

  /**
   * @param {string} id
   * @param {number} seq
   */
  function renderObject(id, seq) {
    busy(view);
    api('/object', { ref: id })
      .then(function (o) {
        if (seq !== route.seq) return;
        clear(view);
        var title = el('h1', { tabindex: '-1' }, [
          el('span', { class: 'badge' }, [o.type]),
          ' ',
          el('span', { class: 'name' }, [visible(o.name)]),
        ]);
        view.appendChild(title);
        view.appendChild(
          el('p', { class: 'note' }, ['id ', el('code', null, [o.id]), ' \u00b7 refer to it as ', el('code', null, [visible(o.ref)])]),
        );
        if (o.rule) view.appendChild(ruleView(o.rule));
        view.appendChild(recordView(o.record));
        if (o.groups.length) {
          var groups = el('p', null, ['Member of: ']);
          o.groups.forEach(function (g, i) {
            if (i) groups.appendChild(document.createTextNode(', '));
            groups.appendChild(objectLink(g));
          });
          view.appendChild(groups);
        }
        var actions = el('div', { class: 'actions' });
        var plans = el('div', { class: 'plans' });
        if (o.type === 'user') {
          var off = el('button', { type: 'button', class: 'action offboard-button' }, ['Plan offboarding\u2026']);
          off.addEventListener('click', function () {
            showOffboard(plans, o.id);
          });
          actions.appendChild(off);
          view.appendChild(actions);
          view.appendChild(plans);
        }
        title.focus();
        var sections = el('div', { class: 'sections' });
        view.appendChild(sections);
        var asks = [];
        if (REACHES_ONLY[o.type])
          asks.push(
            api('/access', { subject: o.id }).then(function (d) {
              return bindingsTable('Reaches', d.bindings, 'target', d.subject);
            }),
          );
        else {
          asks.push(
            api('/who', { resource: o.id }).then(function (d) {
              return bindingsTable('Reached by', d.bindings, 'subject', d.resource);
            }),
          );
          if (o.type === 'system' || o.type === 'system_group') {
            asks.push(
              api('/access', { subject: o.id, type: RUNS_ON }).then(function (d) {
                return bindingsTable('Runs and is configured by', d.bindings, 'target', d.subject);
              }),
            );
          }
        }
        return Promise.all(asks).then(function (tables) {
          if (seq !== route.seq) return;
          tables.forEach(function (t) {
            sections.appendChild(t);
          });
          view.setAttribute('data-ready', 'object');
        });
      })
      .catch(function (e) {
        if (seq !== route.seq) return;
        clear(view);
        view.appendChild(el('h1', { tabindex: '-1' }, ['Not found']));
        view.appendChild(errorBox(e));
        view.setAttribute('data-ready', 'error');
      });
  }

  /**
   * @template T
   * @param {string} title
   * @param {readonly T[]} items
   * @param {(item: T) => Child[]} line
   * @param {string} id
   */
  function findingList(title, items, line, id) {
    var section = el('details', { class: 'finding', id: 'finding-' + id }, [
      el('summary', null, [el('h3', null, [title]), ' ', el('span', { class: 'badge' }, [items.length.toLocaleString('en')])]),
    ]);
    if (items.length > 0) section.open = true;
    var ul = el('ul');
    var shown = 0;
    /** @param {number} n */
    function more(n) {
      items.slice(shown, shown + n).forEach(function (x) {
        ul.appendChild(el('li', null, line(x)));
      });
      shown = Math.min(items.length, shown + n);
    }
    more(25);
    section.appendChild(el('div', { class: 'body' }, [items.length === 0 ? el('p', null, ['None.']) : ul]));
    if (items.length > shown) {
      var button = el('button', { type: 'button', class: 'more' }, ['Show more']);
      button.addEventListener('click', function () {
        more(100);
        if (shown >= items.length) button.remove();
      });
      section.appendChild(button);
    }
    return section;
  }

  /**
   * @param {SudoGrant} g
   * @returns {Child[]}
   */
  function grantedBy(g) {
    if (g.group) return [objectLink(g.group), ' (own sudo)'];
    if (g.ends) return [objectLink(g.ends[0]), ' ~ ', objectLink(g.ends[1])];
    return ['?'];
  }

  /**
   * @param {readonly NamedRef[]} list
   * @param {number} max
   */
  function links(list, max) {
    var out = [];
    list.slice(0, max).forEach(function (o, i) {
      if (i) out.push(', ');
      out.push(objectLink(o));
    });
    if (list.length > max) out.push(', \u2026 (' + list.length + ')');
    return out;
  }

  /** @param {number} seq */
  function renderFindings(seq) {
    busy(view, 'Reviewing every binding\u2026');
    api('/findings').then(
      function (f) {
        if (seq !== route.seq) return;
        clear(view);
        var title = el('h1', { tabindex: '-1' }, ['Findings']);
        view.appendChild(title);
        view.appendChild(
          el('p', { class: 'note' }, [
            plural(f.totals.bindings, 'binding') +
              ' of ' +
              plural(f.totals.subjects, 'subject') +
              ', ' +
              plural(f.totals.paths, 'path') +
              '.',
          ]),
        );
        view.appendChild(
          findingList(
            'Sudo on systems, by what grants it',
            f.privileged.grants,
            function (g) {
              /** @type {Child[]} */
              var by = [];
              g.grantedBy.forEach(function (x, i) {
                if (i) by.push(' + ');
                by.push.apply(by, grantedBy(x));
              });
              return by.concat([
                ' [' +
                  g.level +
                  ']: ' +
                  plural(g.bindings, 'binding') +
                  ' (' +
                  g.withoutPassword +
                  ' without password), ' +
                  plural(g.users.length, 'user') +
                  ', e.g. ',
                objectLink(g.example.subject),
                ' \u2192 ',
                objectLink(g.example.target),
              ]);
            },
            'sudo',
          ),
        );
        view.appendChild(
          findingList(
            'Users with global sudo in their record',
            f.userSudo,
            function (u) {
              return [
                objectLink(u.user),
                ': ' +
                  [u.sudo ? 'sudo' : '', u.passwordlessSudo ? 'passwordless_sudo' : ''].filter(Boolean).join(', ') +
                  '; ' +
                  plural(u.bindings, 'binding'),
              ];
            },
            'user-sudo',
          ),
        );
        view.appendChild(
          findingList(
            'Suspended, staged or locked users with access',
            f.inactiveUsers,
            function (u) {
              return [objectLink(u.user), ' (' + u.reasons.join(', ') + '): ' + plural(u.bindings.length, 'binding') + ': '].concat(
                links(
                  u.bindings.map(function (b) {
                    return b.target;
                  }),
                  5,
                ),
              );
            },
            'inactive',
          ),
        );
        view.appendChild(
          findingList(
            'Redundant access (direct and through a group)',
            f.redundant,
            function (r) {
              return [
                objectLink(r.subject),
                ' \u2192 ',
                objectLink(r.target),
                ': ' + plural(r.direct.length, 'direct path') + ', ' + plural(r.indirect.length, 'indirect path'),
              ];
            },
            'redundant',
          ),
        );
        view.appendChild(
          findingList(
            'Blast radius (bindings its removal alone would end)',
            f.blastRadius,
            function (e) {
              var what = e.group
                ? ['group ', objectLink(e.group)]
                : e.ends
                  ? ['association ', objectLink(e.ends[0]), ' ~ ', objectLink(e.ends[1])]
                  : ['?'];
              return what.concat([': ' + e.bindingsCut.toLocaleString('en') + ' (' + e.pathsThrough.toLocaleString('en') + ' paths)']);
            },
            'blast-radius',
          ),
        );
        view.appendChild(
          findingList(
            'Users bound directly (not through a group)',
            f.directlyBound,
            function (d) {
              return [objectLink(d.user), ': '].concat(links(d.targets, 5));
            },
            'direct',
          ),
        );
        view.appendChild(
          findingList(
            'Empty groups',
            f.emptyGroups,
            function (g) {
              return [objectLink(g)];
            },
            'empty-groups',
          ),
        );
        view.appendChild(
          findingList(
            'Unbound resources',
            f.unboundResources,
            function (r) {
              return [objectLink(r)];
            },
            'unbound',
          ),
        );
        title.focus();
        view.setAttribute('data-ready', 'findings');
      },
      function (e) {
        if (seq !== route.seq) return;
        clear(view);
        view.appendChild(errorBox(e));
        view.setAttribute('data-ready', 'error');
      },
    );
  }

  // The campaign view's filters and page live in the hash (#/campaign?decision=revoke&reviewer=ann&skip=50),
  // so that the back button and a copied link keep them.
  var DECISION_FILTERS = ['keep', 'revoke', 'flag', 'undecided'];

  /** @param {URLSearchParams} params */
  function campaignHash(params) {
    var qs = params.toString();
    return '#/campaign' + (qs ? '?' + qs : '');
  }

  /**
   * @param {CampaignItem} item
   * @returns {HTMLTableRowElement}
   */
  function campaignRow(item) {
    var d = item.decision;
    return el('tr', { 'data-item': item.id, 'data-decision': d ? d.decision : 'undecided' }, [
      el('td', null, [objectLink(item.user)]),
      el('td', null, [objectLink(item.resource)]),
      el('td', null, [item.label]),
      el('td', { title: item.reviewer.source }, [visible(item.reviewer.name)]),
      el('td', { class: 'decision' }, [d ? d.decision : 'undecided']),
      el('td', null, [d ? visible(d.reviewer) : '']),
      el('td', null, [d ? d.decidedAt : '']),
      el('td', { class: 'reason' }, [d ? visible(d.reason) : '']),
    ]);
  }

  /**
   * @param {number} seq
   * @param {URLSearchParams} params decision, reviewer and skip, as in the hash
   */
  function renderCampaign(seq, params) {
    busy(view);
    api('/campaign', {
      decision: params.get('decision') || undefined,
      reviewer: params.get('reviewer') || undefined,
      skip: params.get('skip') || undefined,
      limit: PAGE,
    }).then(
      function (c) {
        if (seq !== route.seq) return;
        clear(view);
        var title = el('h1', { tabindex: '-1' }, ['Campaign ' + c.campaign]);
        view.appendChild(title);
        view.appendChild(
          el('p', { class: 'note' }, [
            'Scope: ' +
              visible(c.scope.description) +
              ' \u00b7 snapshot of ' +
              visible(c.snapshot.orgId) +
              ' (' +
              c.snapshot.apiHost +
              '), fetch started ' +
              c.snapshot.startedAt +
              ', SHA-256 ' +
              c.snapshot.sha256 +
              (c.snapshot.complete ? '' : ', partial') +
              ' \u00b7 started ' +
              c.startedAt +
              (c.closedAt ? ', closed ' + c.closedAt : ', open') +
              '. Read-only: decisions are imported with jcgraph review import.',
          ]),
        );
        /** @param {DecisionCounts} n */
        var counts = function (n) {
          return n.keep + ' keep, ' + n.revoke + ' revoke, ' + n.flag + ' flag';
        };
        var progress = el('ul', { class: 'progress' }, [
          el('li', null, [
            'Everyone: ' +
              c.progress.decided +
              ' of ' +
              plural(c.progress.total, 'item') +
              ' decided (' +
              counts(c.progress.decisions) +
              ')',
          ]),
        ]);
        c.progress.reviewers.forEach(function (r) {
          progress.appendChild(
            el('li', null, [
              visible(r.reviewer) + ': ' + r.decided + ' of ' + plural(r.total, 'item') + ' decided (' + counts(r.decisions) + ')',
            ]),
          );
        });
        view.appendChild(el('section', null, [el('h2', null, ['Progress']), progress]));

        var decisionSel = el(
          'select',
          { 'aria-label': 'Decision', name: 'decision' },
          [el('option', { value: '' }, ['every decision'])].concat(
            DECISION_FILTERS.map(function (d) {
              return el('option', { value: d }, [d]);
            }),
          ),
        );
        decisionSel.value = params.get('decision') || '';
        var reviewerSel = el(
          'select',
          { 'aria-label': 'Reviewer', name: 'reviewer' },
          [el('option', { value: '' }, ['every reviewer'])].concat(
            c.progress.reviewers.map(function (r) {
              return el('option', { value: r.reviewer }, [visible(r.reviewer)]);
            }),
          ),
        );
        reviewerSel.value = params.get('reviewer') || '';
        /** @param {number | null} skip */
        var go = function (skip) {
          var next = new URLSearchParams();
          if (decisionSel.value) next.set('decision', decisionSel.value);
          if (reviewerSel.value) next.set('reviewer', reviewerSel.value);
          if (skip) next.set('skip', String(skip));
          location.hash = campaignHash(next);
        };
        decisionSel.addEventListener('change', function () {
          go(null);
        });
        reviewerSel.addEventListener('change', function () {
          go(null);
        });
        var prev = el('button', { type: 'button', class: 'prev' }, ['\u2039 Previous']);
        var next = el('button', { type: 'button', class: 'next' }, ['Next \u203a']);
        prev.disabled = c.skip === 0;
        next.disabled = c.skip + c.items.length >= c.total;
        prev.addEventListener('click', function () {
          go(Math.max(0, c.skip - c.limit));
        });
        next.addEventListener('click', function () {
          go(c.skip + c.limit);
        });
        var shown =
          c.items.length === 0
            ? 'no items'
            : 'items ' + (c.skip + 1) + '\u2013' + (c.skip + c.items.length) + ' of ' + c.total.toLocaleString('en');
        var section = el('section', { class: 'campaign-items' }, [
          el('h2', null, ['Items and decisions']),
          el('div', { class: 'toolbar' }, [decisionSel, reviewerSel, prev, next, el('span', { class: 'count' }, [shown])]),
        ]);
        var head = el(
          'tr',
          null,
          ['User', 'Resource', 'Label', 'Reviewer', 'Decision', 'Decided by', 'Decided at', 'Reason'].map(function (h) {
            return el('th', { scope: 'col' }, [h]);
          }),
        );
        section.appendChild(
          el('div', { class: 'scroll' }, [
            el('table', { 'data-name': 'campaign' }, [el('thead', null, [head]), el('tbody', null, c.items.map(campaignRow))]),
          ]),
        );
        view.appendChild(section);
        title.focus();
        view.setAttribute('data-ready', 'campaign');
      },
      function (e) {
        if (seq !== route.seq) return;
        clear(view);
        view.appendChild(el('h1', { tabindex: '-1' }, ['Campaign']));
        view.appendChild(errorBox(e));
        view.setAttribute('data-ready', 'error');
      },
    );
  }

  /** @param {number} seq */
  function renderHome(seq) {
    clear(view);
    view.appendChild(el('h1', { tabindex: '-1' }, ['Who can reach what']));
    view.appendChild(
      el('p', null, [
        'Search for a user, group, system, application or any other object above (press / to jump there), or open the ',
        el('a', { href: '#/findings' }, ['findings']),
        '.',
      ]),
    );
    view.appendChild(
      el('p', { class: 'note' }, [
        'Open a user or a group to see everything it reaches; open a resource to see who reaches it. Each binding opens to its paths, where its attributes come from, and the plans that would revoke it. Everything here is read-only: plans are dry runs that name the API calls to make.',
      ]),
    );
    if (seq === route.seq) view.setAttribute('data-ready', 'home');
  }

  var route = { seq: 0 };

  function onRoute() {
    var seq = ++route.seq;
    view.removeAttribute('data-ready');
    var hash = location.hash.replace(/^#/, '');
    var m = /^\/object\/(.+)$/.exec(hash);
    if (m) renderObject(decodeURIComponent(m[1]), seq);
    else if (hash === '/findings') renderFindings(seq);
    else if (hash === '/campaign' || hash.indexOf('/campaign?') === 0)
      renderCampaign(seq, new URLSearchParams(hash.slice('/campaign'.length)));
    else renderHome(seq);
  }

  window.addEventListener('hashchange', onRoute);
  api('').then(
    function (info) {
      var org = info.organization;
      orgLine.textContent =
        'Organization ' +
        (org.orgId || '(no id)') +
        ' \u00b7 ' +
        org.source +
        ' \u00b7 ' +
        org.objects.toLocaleString('en') +
        ' objects, ' +
        org.edges.toLocaleString('en') +
        ' edges';
      if (info.campaign) campaignLink.hidden = false;
    },
    function (e) {
      orgLine.textContent = '';
      orgLine.appendChild(errorBox(e));
    },
  );
  onRoute();
  document.documentElement.setAttribute('data-ready', 'true');
})();

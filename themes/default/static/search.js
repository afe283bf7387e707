/* yishi 站内搜索: exact substring search in Chinese over the static index
   that `yishi build` writes to search/ (format and design: src/search.rs).
   No framework, nothing from another host. Everything put into the page goes
   through textContent / createTextNode, never innerHTML.

   Loaded async from <head> (search.html): the query in the address starts
   fetching index parts at once, while the page is still being parsed; the
   results are drawn when the page is ready. */
(function () {
  'use strict';
  if (!window.fetch || !window.Promise || !window.URLSearchParams || !window.Uint8Array || !window.Map) {
    var old = function () {
      var s = document.getElementById('search-status');
      if (s) s.textContent = '您的浏览器版本较旧，无法使用站内搜索。请浏览全部案例，或升级浏览器。';
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', old);
    else old();
    return;
  }
  var me = document.currentScript;
  var root = (me && (me.getAttribute('data-root') || new URL('.', me.src).pathname)) || '/';
  var base = root + 'search/';
  var FILTERS = ['street', 'committee', 'topic', 'year'];

  // ---- Normalisation: the same as normalize() and is_space() in search.rs.
  var WS = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  function normalize(s) {
    return s.replace(/[\uff01-\uff5e\u3000A-Z]/g, function (c) {
      var x = c.charCodeAt(0);
      if (x === 0x3000) return ' ';
      if (x >= 0xff01) x -= 0xfee0;
      return String.fromCharCode(x >= 65 && x <= 90 ? x + 32 : x);
    });
  }
  function words(q) {
    var out = [];
    normalize(q).split(WS).forEach(function (w) {
      if (w && out.indexOf(w) < 0) out.push(w);
    });
    // A word inside another word adds nothing.
    return out.filter(function (w) {
      return !out.some(function (o) { return o !== w && o.indexOf(w) >= 0; });
    });
  }

  // ---- Shards and postings (shard_of / encode_postings in search.rs).
  function shardOf(key, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0) % shards;
  }
  var VAL = new Int8Array(128);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach(function (c, i) {
    VAL[c.charCodeAt(0)] = i;
  });
  /** Postings string → Uint8Array of n flags. */
  function decode(s, n) {
    var out = new Uint8Array(n), tag = s.charAt(0), k, v;
    if (tag === 'a') { out.fill(1); return out; }
    if (tag === 'm') {
      for (k = 1; k < s.length; k++) {
        v = VAL[s.charCodeAt(k)];
        for (var b = 0; b < 6; b++) {
          var id = (k - 1) * 6 + b;
          if ((v >> b) & 1 && id < n) out[id] = 1;
        }
      }
      return out;
    }
    var mark = 1;
    if (tag === 'c') { out.fill(1); mark = 0; }
    var prev = -1, acc = 0, mul = 1;
    for (k = 1; k < s.length; k++) {
      v = VAL[s.charCodeAt(k)];
      acc += (v & 31) * mul;
      if (v & 32) { mul *= 32; continue; }
      prev += acc + 1;
      if (prev < n) out[prev] = mark;
      acc = 0; mul = 1;
    }
    return out;
  }
  function and(a, b) {
    if (!a) return b;
    for (var i = 0; i < a.length; i++) a[i] &= b[i];
    return a;
  }

  // ---- Fetching, each file once. meta.json may come from the browser cache
  // (search.html preloads it); the other files live under search/<version>/,
  // so an old meta.json shows as a 404 there, and is then fetched anew.
  var meta = null;
  var files = new Map();
  function json(url, opts) {
    return fetch(url, opts).then(function (r) {
      if (!r.ok) {
        var e = new Error(url + ' ' + r.status);
        e.status = r.status;
        throw e;
      }
      return r.json();
    });
  }
  function loadMeta(reload) {
    files.clear();
    return json(base + 'meta.json', reload ? { cache: 'reload' } : undefined).then(function (m) {
      meta = m;
      return m;
    });
  }
  var metaPromise = loadMeta(false);
  function get(path) {
    var p = files.get(path);
    if (!p) {
      p = json(base + meta.v + '/' + path);
      p.catch(function () { if (files.get(path) === p) files.delete(path); });
      files.set(path, p);
    }
    return p;
  }

  /** Flags of the cases holding every bigram of `w` (or its one character). */
  function wordSet(w) {
    var chars = Array.from(w);
    var n = meta.n;
    if (chars.length === 1) {
      return get('u/' + shardOf(w, meta.u) + '.json').then(function (shard) {
        return shard[w] ? decode(shard[w], n) : new Uint8Array(n);
      });
    }
    var keys = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      var k = chars[i] + chars[i + 1];
      if (keys.indexOf(k) < 0) keys.push(k);
    }
    // At most 8 bigrams, spread over the word (the first and last included);
    // the exact check on the text does the rest.
    if (keys.length > 8) {
      var picked = [];
      for (var j = 0; j < 8; j++) picked.push(keys[Math.round(j * (keys.length - 1) / 7)]);
      keys = picked;
    }
    return Promise.all(keys.map(function (key) {
      return get('b/' + shardOf(key, meta.b) + '.json').then(function (shard) {
        return shard[key] ? decode(shard[key], n) : new Uint8Array(n);
      });
    })).then(function (sets) { return sets.reduce(and, null); });
  }

  function filterSet(kind, value) {
    var n = meta.n, i;
    if (kind === 'year') {
      var out = new Uint8Array(n);
      meta.years.forEach(function (y) {
        if (String(y[0]) === value) out.fill(1, y[1], y[2]);
      });
      return Promise.resolve(out);
    }
    var terms = { street: meta.streets, committee: meta.committees, topic: meta.topics }[kind];
    var letter = { street: 's', committee: 'c', topic: 't' }[kind];
    for (i = 0; i < terms.length; i++) {
      if (terms[i][terms[i].length - 1] === value) {
        return get('f/' + letter + i + '.json').then(function (p) { return decode(p, n); });
      }
    }
    return Promise.resolve(new Uint8Array(n));
  }

  /** The candidates of a search `v` ({q, street, …}): ids newest first. */
  function candidates(v, ws) {
    var active = FILTERS.filter(function (f) { return v[f]; });
    return metaPromise.then(function () {
      return Promise.all(ws.map(wordSet).concat(active.map(function (f) { return filterSet(f, v[f]); })));
    }).then(function (sets) {
      var flags = sets.reduce(and, null), ids = [];
      for (var i = 0; i < flags.length; i++) if (flags[i]) ids.push(i);
      return ids;
    });
  }

  /** A case file, with more parts loaded until every word is found. */
  function doc(id, ws) {
    return get('d/' + id + '.json').then(function (d) {
      if (!d.norm) {
        // Searched text: title, facts, text (further parts extend the text).
        d.k = d.k || '';
        d.off = d.t.length + d.k.length + 2;
        d.norm = normalize(d.t + '\n' + d.k + '\n' + d.x);
      }
      var missing = function () {
        return ws.some(function (w) { return d.norm.indexOf(w) < 0; });
      };
      var next = function () {
        var loaded = d.loaded || 1;
        if (!missing() || loaded >= (d.p || 1)) return d;
        return get('d/' + id + '-' + loaded + '.json').then(function (part) {
          if ((d.loaded || 1) === loaded) {
            d.x += part;
            d.norm += normalize(part);
            d.loaded = loaded + 1;
          }
          return next();
        });
      };
      return next();
    });
  }

  // ---- The search in the address starts now, before the page is parsed:
  // the first page's case files are requested as soon as the postings are in.
  var params = new URLSearchParams(location.search);
  var start = { q: (params.get('q') || '').trim() };
  FILTERS.forEach(function (f) { start[f] = params.get(f) || ''; });
  var startWords = words(start.q);
  if (startWords.length || FILTERS.some(function (f) { return start[f]; })) {
    candidates(start, startWords).then(function (ids) {
      ids.slice(0, meta.page).forEach(function (id) { doc(id, startWords).catch(function () {}); });
    }).catch(function () {});
  }

  // ---- Rendering.
  function dateText(iso) {
    var p = iso.split('-');
    return +p[0] + '年' + +p[1] + '月' + +p[2] + '日';
  }
  /** Appends `text` to `el` with every occurrence of the words marked
      (`norm` is `text` normalised, of the same length). */
  function marked(el, text, norm, ws) {
    var ranges = [];
    ws.forEach(function (w) {
      for (var i = norm.indexOf(w); i >= 0; i = norm.indexOf(w, i + 1)) ranges.push([i, i + w.length]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var at = 0;
    ranges.forEach(function (r) {
      if (r[1] <= at) return;
      var from = Math.max(r[0], at);
      if (from > at) el.appendChild(document.createTextNode(text.slice(at, from)));
      var m = document.createElement('mark');
      m.textContent = text.slice(from, r[1]);
      el.appendChild(m);
      at = r[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }
  function isLow(s, i) {
    var c = s.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff;
  }
  /** Windows of the text around the first match of each word (at most 3),
      else the facts line if it matches, else the start of the text. */
  function snippet(el, d, ws) {
    var x = d.x, nx = d.norm.slice(d.off), hits = [];
    ws.forEach(function (w) {
      var i = nx.indexOf(w);
      if (i >= 0) hits.push([i, w.length]);
    });
    if (!hits.length && ws.length) {
      var nk = d.norm.slice(d.t.length + 1, d.off - 1);
      if (ws.some(function (w) { return nk.indexOf(w) >= 0; })) return marked(el, d.k, nk, ws);
    }
    var wins = [];
    if (!hits.length) {
      wins.push([0, Math.min(x.length, 100)]);
    } else {
      hits.sort(function (a, b) { return a[0] - b[0]; });
      var span = hits.length > 1 ? 60 : 120;
      hits.forEach(function (h) {
        var ls = h[0] ? x.lastIndexOf('\n', h[0] - 1) + 1 : 0;
        var le = x.indexOf('\n', h[0]);
        if (le < 0) le = x.length;
        var from = Math.max(ls, h[0] - span / 4);
        var to = Math.min(le, Math.max(from + span, h[0] + h[1] + 10));
        var last = wins[wins.length - 1];
        if (last && from <= last[1]) last[1] = Math.max(last[1], to);
        else wins.push([from, to]);
      });
      wins = wins.slice(0, 3);
    }
    var text = '', norm = '';
    wins.forEach(function (w) {
      var from = w[0], to = w[1];
      if (from > 0 && isLow(x, from)) from--;
      if (to < x.length && isLow(x, to)) to++;
      var pre = from > 0 && x.charAt(from - 1) !== '\n' ? '…' : '';
      var post = to < x.length && x.charAt(to) !== '\n' ? '…' : '';
      if (text && !pre && text.slice(-1) !== '…') pre = ' ';
      text += pre + x.slice(from, to) + post;
      norm += pre + nx.slice(from, to) + post;
    });
    marked(el, text.replace(/\n/g, ' '), norm.replace(/\n/g, ' '), ws);
  }
  function item(d, ws) {
    var li = document.createElement('li');
    li.className = 'case-item';
    var h = document.createElement('h2');
    h.className = 'case-title';
    var a = document.createElement('a');
    a.href = root + d.u;
    marked(a, d.t, d.norm.slice(0, d.t.length), ws);
    h.appendChild(a);
    li.appendChild(h);
    var p = document.createElement('p');
    p.className = 'case-meta';
    var t = document.createElement('time');
    t.dateTime = d.d;
    t.textContent = dateText(d.d);
    p.appendChild(t);
    var span = function (text) {
      var s = document.createElement('span');
      s.className = 'sep';
      s.textContent = text;
      p.appendChild(s);
    };
    if (d.s != null && meta.streets[d.s]) span(meta.streets[d.s][0] + (d.m ? ' · ' + d.m : ''));
    if (d.c && d.c.length) {
      span(d.c.map(function (c) { return meta.committees[c] ? meta.committees[c][1] : ''; }).join('、'));
    }
    li.appendChild(p);
    var s = document.createElement('p');
    s.className = 'case-summary';
    snippet(s, d, ws);
    li.appendChild(s);
    return li;
  }

  // ---- The page.
  function page() {
    var box = document.getElementById('search');
    if (!box) return;
    var $ = function (id) { return document.getElementById(id); };
    var form = $('search-form');
    var input = $('search-q');
    var status = $('search-status');
    var list = $('search-results');
    var more = $('search-more');
    var selects = {};
    FILTERS.forEach(function (f) { selects[f] = $('search-' + f); });
    // The results region is aria-busy while a search runs (tests wait on it).
    var region = list.parentNode;
    var busy = function (b) { region.setAttribute('aria-busy', b ? 'true' : 'false'); };
    var say = function (text) { status.textContent = text; };
    var pageTitle = document.title;
    var current = null, seq = 0, timer = 0;

    function values() {
      var v = { q: input.value.trim() };
      FILTERS.forEach(function (f) { v[f] = selects[f] ? selects[f].value : ''; });
      return v;
    }
    function updateAddress(v) {
      var qs = new URLSearchParams();
      ['q'].concat(FILTERS).forEach(function (k) { if (v[k]) qs.set(k, v[k]); });
      var url = location.pathname + (qs.toString() ? '?' + qs : '');
      if (url !== location.pathname + location.search) history.replaceState(null, '', url);
      document.title = v.q ? '“' + v.q + '”的搜索结果 - ' + pageTitle : pageTitle;
    }
    function countText(st) {
      var n = st.ids.length - st.falses;
      var sure = st.exact || st.pos >= st.ids.length;
      var text = '找到' + (sure ? ' ' : '约 ') + n + ' 个案例';
      if (n > st.shown) text += '，显示前 ' + st.shown + ' 个';
      return text + '。';
    }
    function mark(name) {
      if (window.performance && performance.mark) performance.mark(name);
    }

    /** Appends to `target` up to `want` more results of `st`, checking
        candidates; each result shows as soon as it and those before it
        are in (`first` is called with the first one). */
    function fill(st, want, target, first) {
      var added = [];
      var step = function () {
        if (st.token !== seq) return Promise.resolve(null);
        if (added.length >= want || st.pos >= st.ids.length) return Promise.resolve(added);
        var take = st.ids.slice(st.pos, st.pos + want - added.length);
        st.pos += take.length;
        var chain = Promise.resolve();
        take.map(function (id) { return doc(id, st.words); }).forEach(function (p) {
          chain = chain.then(function () { return p; }).then(function (d) {
            if (st.token !== seq) return;
            var ok = st.exact || st.words.every(function (w) { return d.norm.indexOf(w) >= 0; });
            if (!ok) { st.falses++; return; }
            target.appendChild(item(d, st.words));
            added.push(target.lastChild);
            st.shown++;
            if (added.length === 1 && first) first();
          });
        });
        return chain.then(step);
      };
      return step();
    }

    function finish(st, added) {
      if (!added) return null;
      busy(false);
      more.hidden = st.pos >= st.ids.length;
      say(countText(st));
      if (!st.marked) {
        st.marked = true;
        mark('yishi-search-done');
      }
      return added;
    }

    function run(retried) {
      clearTimeout(timer);
      var v = values();
      updateAddress(v);
      var token = ++seq;
      var ws = words(v.q);
      if (!ws.length && !FILTERS.some(function (f) { return v[f]; })) {
        current = null;
        list.textContent = '';
        more.hidden = true;
        say('');
        busy(false);
        return;
      }
      busy(true);
      candidates(v, ws).then(function (ids) {
        if (token !== seq) return;
        var st = {
          token: token, words: ws, ids: ids, pos: 0, shown: 0, falses: 0,
          exact: ws.every(function (w) { return Array.from(w).length <= 2; }),
        };
        current = st;
        // Fill a fresh list and swap it in with its first result (or at the
        // end): the old results stay until the new ones are there.
        var fresh = list.cloneNode(false);
        var swap = function () {
          if (token !== seq || list === fresh) return;
          list.parentNode.replaceChild(fresh, list);
          list = fresh;
        };
        var first = function () {
          swap();
          if (!st.firstMarked) {
            st.firstMarked = true;
            mark('yishi-search-results');
          }
        };
        return fill(st, meta.page, fresh, first).then(function (added) {
          if (token !== seq) return;
          swap();
          finish(st, added);
        });
      }).catch(function (e) {
        if (token !== seq) return;
        if (e && e.status === 404 && !retried) {
          // A meta.json older than the site: fetch it anew and search again.
          metaPromise = loadMeta(true);
          run(true);
          return;
        }
        more.hidden = true;
        busy(false);
        say('搜索暂时不可用（索引文件未能加载）。请稍后再试，或浏览全部案例。');
        if (window.console) console.error(e);
      });
    }

    function later() {
      busy(true);
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    }

    var composing = false;
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; later(); });
    input.addEventListener('input', function (e) {
      // Not while an input method is composing (pinyin letters are not the query).
      if (composing || e.isComposing) return;
      later();
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      run();
    });
    FILTERS.forEach(function (f) {
      if (selects[f]) selects[f].addEventListener('change', function () { run(); });
    });
    more.addEventListener('click', function () {
      var st = current;
      if (!st) return;
      busy(true);
      fill(st, meta.page, list).then(function (added) {
        if (!finish(st, added) || !added.length) return;
        // Keyboard users go on from the first new result.
        var link = added[0].querySelector('a');
        if (link) link.focus();
      }).catch(function () {
        busy(false);
        say('更多结果未能加载，请稍后再试。');
      });
    });

    // Start from the address (?q=…&street=…); keep what was typed before
    // the script ran if the address has no query.
    if (start.q || !input.value) input.value = start.q;
    FILTERS.forEach(function (f) {
      var s = selects[f], v = start[f];
      if (s && v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
    });
    box.classList.add('search-ready');
    run();
  }

  // For tests: the functions that must agree with src/search.rs.
  window.yishiSearch = { normalize: normalize, shardOf: shardOf, decode: decode, words: words };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', page);
  else page();
})();

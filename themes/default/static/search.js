/* yishi 站内搜索: exact substring search in Chinese over the static index
   that `yishi build` writes to search/ (format: src/search.rs). No framework,
   nothing from another host. Everything put into the page goes through
   textContent / createTextNode, never innerHTML. */
(function () {
  'use strict';
  var box = document.getElementById('search');
  if (!box) return;
  var $ = function (id) { return document.getElementById(id); };
  var form = $('search-form');
  var input = $('search-q');
  var status = $('search-status');
  var list = $('search-results');
  var more = $('search-more');
  // The results region is aria-busy while a search runs (tests wait on it).
  var region = list.parentNode;
  function busy(b) { region.setAttribute('aria-busy', b ? 'true' : 'false'); }
  var FILTERS = ['street', 'committee', 'topic', 'year'];
  var selects = {};
  FILTERS.forEach(function (f) { selects[f] = $('search-' + f); });
  if (!window.fetch || !window.Promise || !window.URLSearchParams || !window.Uint8Array) {
    status.textContent = '您的浏览器版本较旧，无法使用站内搜索。请浏览全部案例，或升级浏览器。';
    return;
  }
  var root = box.getAttribute('data-root') || '/';
  var base = root + 'search/';
  var pageTitle = document.title;

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

  // ---- Shards and postings (see shard_of / encode_postings in search.rs).
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

  // ---- Fetching, each file once.
  var meta = null;
  var metaPromise = fetch(base + 'meta.json', { cache: 'no-cache' }).then(function (r) {
    if (!r.ok) throw new Error('meta.json ' + r.status);
    return r.json();
  }).then(function (m) { meta = m; return m; });
  var files = new Map();
  function get(path) {
    var p = files.get(path);
    if (!p) {
      p = fetch(base + path + '?v=' + meta.v).then(function (r) {
        if (!r.ok) throw new Error(path + ' ' + r.status);
        return r.json();
      });
      p.catch(function () { files.delete(path); });
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
    var lists = { street: meta.streets, committee: meta.committees, topic: meta.topics };
    var letter = { street: 's', committee: 'c', topic: 't' }[kind];
    var terms = lists[kind];
    for (i = 0; i < terms.length; i++) {
      if (terms[i][terms[i].length - 1] === value) {
        return get('f/' + letter + i + '.json').then(function (p) { return decode(p, n); });
      }
    }
    return Promise.resolve(new Uint8Array(n));
  }

  /** A case file, with more parts loaded until every word is found. */
  function doc(id, ws) {
    return get('d/' + id + '.json').then(function (d) {
      if (!d.norm) {
        // Searched text: title, facts, text (more parts append to the text).
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

  // ---- Rendering.
  function dateText(iso) {
    var p = iso.split('-');
    return +p[0] + '年' + +p[1] + '月' + +p[2] + '日';
  }
  /** Appends `text` to `el` with every occurrence of the words marked. */
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
        var start = Math.max(ls, h[0] - span / 4);
        var end = Math.min(le, Math.max(start + span, h[0] + h[1] + 10));
        var last = wins[wins.length - 1];
        if (last && start <= last[1]) last[1] = Math.max(last[1], end);
        else wins.push([start, end]);
      });
      wins = wins.slice(0, 3);
    }
    var text = '', norm = '';
    wins.forEach(function (w) {
      var start = w[0], end = w[1];
      if (start > 0 && isLow(x, start)) start--;
      if (end < x.length && isLow(x, end)) end++;
      var pre = start > 0 && x.charAt(start - 1) !== '\n' ? '…' : '';
      var post = end < x.length && x.charAt(end) !== '\n' ? '…' : '';
      if (text && !pre && text.slice(-1) !== '…') pre = ' ';
      text += pre + x.slice(start, end) + post;
      norm += pre + nx.slice(start, end) + post;
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

  // ---- One search: state of the current query.
  var current = null;
  var seq = 0;
  var timer = 0;

  function values() {
    var v = { q: input.value.trim() };
    FILTERS.forEach(function (f) { v[f] = selects[f] ? selects[f].value : ''; });
    return v;
  }
  function updateAddress(v) {
    var params = new URLSearchParams();
    ['q'].concat(FILTERS).forEach(function (k) { if (v[k]) params.set(k, v[k]); });
    var qs = params.toString();
    var url = location.pathname + (qs ? '?' + qs : '');
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
    document.title = v.q ? '“' + v.q + '”的搜索结果 - ' + pageTitle : pageTitle;
  }
  function say(text) { status.textContent = text; }

  function countText(st) {
    var n = st.ids.length - st.falses;
    var sure = st.exact || st.pos >= st.ids.length;
    var text = '找到' + (sure ? ' ' : '约 ') + n + ' 个案例';
    if (n > st.shown) text += '，显示前 ' + st.shown + ' 个';
    return text + '。';
  }

  /** Appends to `target` up to `want` more results of `st`, checking candidates. */
  function fill(st, want, target) {
    var added = [];
    var step = function () {
      if (st.token !== seq) return Promise.resolve(null);
      if (added.length >= want || st.pos >= st.ids.length) return Promise.resolve(added);
      var take = st.ids.slice(st.pos, st.pos + want - added.length);
      st.pos += take.length;
      return Promise.all(take.map(function (id) { return doc(id, st.words); })).then(function (docs) {
        if (st.token !== seq) return null;
        docs.forEach(function (d) {
          var ok = st.words.every(function (w) { return d.norm.indexOf(w) >= 0; });
          if (ok || st.exact) {
            var li = item(d, st.words);
            target.appendChild(li);
            added.push(li);
            st.shown++;
          } else {
            st.falses++;
          }
        });
        return step();
      });
    };
    return step();
  }

  function finish(st, added) {
    if (!added) return;
    busy(false);
    more.hidden = st.pos >= st.ids.length;
    say(countText(st));
    // For the benchmark: when the first results (or the count) showed.
    if (!st.marked && window.performance && performance.mark) {
      st.marked = true;
      performance.mark(added.length ? 'yishi-search-results' : 'yishi-search-done');
    }
    return added;
  }

  function run() {
    clearTimeout(timer);
    var v = values();
    updateAddress(v);
    var token = ++seq;
    var ws = words(v.q);
    var active = FILTERS.filter(function (f) { return v[f]; });
    if (!ws.length && !active.length) {
      current = null;
      list.textContent = '';
      more.hidden = true;
      say('');
      busy(false);
      return Promise.resolve();
    }
    busy(true);
    return metaPromise.then(function () {
      var sets = ws.map(wordSet).concat(active.map(function (f) { return filterSet(f, v[f]); }));
      return Promise.all(sets);
    }).then(function (sets) {
      if (token !== seq) return;
      var flags = sets.reduce(and, null);
      var ids = [];
      for (var i = 0; i < flags.length; i++) if (flags[i]) ids.push(i);
      var st = {
        token: token, words: ws, ids: ids, pos: 0, shown: 0, falses: 0,
        exact: ws.every(function (w) { return Array.from(w).length <= 2; }),
      };
      current = st;
      // Fill a fresh list, then swap it in: no flicker while typing.
      var fresh = list.cloneNode(false);
      return fill(st, meta.page, fresh).then(function (added) {
        if (token !== seq) return;
        list.parentNode.replaceChild(fresh, list);
        list = fresh;
        finish(st, added);
      });
    }).catch(function (e) {
      if (token !== seq) return;
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

  // ---- Wiring.
  var composing = false;
  input.addEventListener('compositionstart', function () { composing = true; });
  input.addEventListener('compositionend', function () { composing = false; later(); });
  input.addEventListener('input', function (e) {
    if (composing || e.isComposing) return;
    later();
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    run();
  });
  FILTERS.forEach(function (f) {
    if (selects[f]) selects[f].addEventListener('change', run);
  });
  more.addEventListener('click', function () {
    var st = current;
    if (!st) return;
    busy(true);
    fill(st, meta.page, list).then(function (added) {
      if (!finish(st, added) || !added.length) return;
      var link = added[0].querySelector('a');
      if (link) link.focus();
    }).catch(function () {
      busy(false);
      say('更多结果未能加载，请稍后再试。');
    });
  });

  // ---- Start from the address (?q=…&street=…).
  var params = new URLSearchParams(location.search);
  if (params.has('q')) input.value = params.get('q');
  FILTERS.forEach(function (f) {
    var s = selects[f], v = params.get(f);
    if (s && v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
  });
  // For tests: the functions that must agree with src/search.rs.
  window.yishiSearch = { normalize: normalize, shardOf: shardOf, decode: decode, words: words };
  box.classList.add('search-ready');
  run();
})();

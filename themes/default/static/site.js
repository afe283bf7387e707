/* yishi default theme: reading settings, copy link, read aloud, print (ES5). */
(function () {
  "use strict";
  var d = document, html = d.documentElement;

  function all(sel, fn) { Array.prototype.forEach.call(d.querySelectorAll(sel), fn); }
  function save(key, val) {
    try { if (val) { localStorage.setItem(key, val); } else { localStorage.removeItem(key); } } catch (e) { /* no storage */ }
  }
  function has(c) { return html.classList.contains(c); }
  function toggle(c, on) { html.classList[on ? "add" : "remove"](c); }

  /* Text size (标准 / 大 / 特大) and high contrast, remembered in localStorage. */
  function sync() {
    var size = has("size-xl") ? "xl" : has("size-l") ? "l" : "m";
    all("[data-size]", function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-size") === size)); });
    all("[data-contrast]", function (b) { b.setAttribute("aria-pressed", String(has("hc"))); });
  }
  all("[data-size]", function (b) {
    b.addEventListener("click", function () {
      var s = b.getAttribute("data-size");
      toggle("size-l", s === "l");
      toggle("size-xl", s === "xl");
      save("yishi-size", s === "m" ? "" : s);
      sync();
    });
  });
  all("[data-contrast]", function (b) {
    b.addEventListener("click", function () {
      var on = !has("hc");
      toggle("hc", on);
      save("yishi-contrast", on ? "hc" : "");
      sync();
    });
  });
  sync();

  /* Wide tables scroll sideways; make the scroller reachable by keyboard. */
  all(".table-wrap, .prose table", function (el) {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
  });

  /* Print. */
  all("[data-print]", function (b) { b.addEventListener("click", function () { window.print(); }); });

  /* Copy the page address. */
  all("[data-copy]", function (b) {
    var input = d.getElementById(b.getAttribute("data-copy"));
    var status = b.parentNode.querySelector(".copy-status");
    function done(ok) { if (status) { status.textContent = ok ? "已复制本页地址，可粘贴到微信发送。" : "复制未成功，请长按地址手动复制。"; } }
    function fallback() {
      input.select();
      try { done(d.execCommand("copy")); } catch (e) { done(false); }
    }
    b.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
      } else { fallback(); }
    });
  });

  /* Read aloud with the browser's speech synthesis, where there is one. */
  var sp = d.getElementById("speak");
  if (sp && "speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    var synth = window.speechSynthesis, label = sp.querySelector("span"), on = false;
    var stop = function () {
      on = false;
      synth.cancel();
      label.textContent = "朗读全文";
    };
    var voice = function () {
      var vs = synth.getVoices().filter(function (v) { return /^zh/i.test(v.lang); });
      return vs.filter(function (v) { return /CN/i.test(v.lang); })[0] || vs[0] || null;
    };
    sp.hidden = false;
    sp.addEventListener("click", function () {
      if (on) { stop(); return; }
      var text = [];
      all("[data-speak]", function (el) { text.push(el.innerText || el.textContent); });
      /* Sentence by sentence: some browsers stop one long utterance after ~15 s. */
      var parts = (text.join("。\n").match(/[^。！？；\n]+[。！？；]?/g) || []).filter(function (p) { return /\S/.test(p); });
      var v = voice();
      synth.cancel();
      on = true;
      label.textContent = "停止朗读";
      parts.forEach(function (p, i) {
        var u = new SpeechSynthesisUtterance(p);
        u.lang = "zh-CN";
        u.rate = 0.9;
        if (v) { u.voice = v; }
        if (i === parts.length - 1) { u.onend = function () { if (on) { stop(); } }; }
        synth.speak(u);
      });
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  }
})();

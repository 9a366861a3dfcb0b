// policyindex: interactivity only. Every page works without this file: facets and paging are
// plain links, forms are plain GET forms. Here: facet clicks and paging without a full
// reload (the URL still changes, so results stay shareable), and keyboard shortcuts.
'use strict';
(function () {
  function swapSearch(url, push) {
    var main = document.getElementById('search-main');
    if (!main || !window.fetch || !window.DOMParser) { window.location.href = url; return; }
    main.setAttribute('aria-busy', 'true');
    fetch(url, { headers: { 'Accept': 'text/html' } }).then(function (r) {
      return r.text().then(function (t) { return { ok: r.ok, text: t }; });
    }).then(function (res) {
      var doc = new DOMParser().parseFromString(res.text, 'text/html');
      var fresh = doc.getElementById('search-main');
      if (!fresh) { window.location.href = url; return; }
      main.replaceWith(fresh);
      document.title = doc.title;
      if (push) history.pushState({ search: true }, '', url);
      var status = document.getElementById('result-status');
      if (status) status.focus();
    }).catch(function () { window.location.href = url; });
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-nav]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (!document.getElementById('search-main')) return;
    if (new URL(a.href, location.href).pathname !== '/search') return;
    e.preventDefault();
    swapSearch(a.href, true);
  });

  window.addEventListener('popstate', function () {
    if (document.getElementById('search-main') && location.pathname === '/search') swapSearch(location.href, false);
  });

  // Keyboard: "/" focuses the search box; j / k move between results; Enter follows.
  var current = -1;
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (e.key === 'Escape' && typing) { t.blur(); return; }
    if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === '/') {
      var box = document.getElementById('q') || document.getElementById('quick-q');
      if (box) { e.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (e.key === 'j' || e.key === 'k') {
      var links = Array.prototype.slice.call(document.querySelectorAll('.hit-link'));
      if (!links.length) return;
      current = Math.max(0, Math.min(links.length - 1, current + (e.key === 'j' ? 1 : -1)));
      if (current < 0) current = 0;
      links[current].focus();
      e.preventDefault();
    }
  });
  // ---- upload (/analyze) -------------------------------------------------------------------
  // The form posts as a plain form without this; here the button says it is working, and a
  // status line counts the seconds (scanned pages are read by OCR, up to 20 seconds).
  var uploadForm = document.getElementById('upload-form');
  if (uploadForm) {
    uploadForm.addEventListener('submit', function () {
      var button = document.getElementById('upload-submit');
      var status = document.getElementById('upload-status');
      var busy = button ? button.getAttribute('data-busy') : 'Analyzing…';
      uploadForm.setAttribute('aria-busy', 'true');
      if (button) {
        button.textContent = busy;
        window.setTimeout(function () { button.disabled = true; }, 0);  // after the form is sent
      }
      if (status) {
        var started = Date.now();
        status.textContent = busy;
        window.setInterval(function () {
          status.textContent = busy + ' (' + Math.round((Date.now() - started) / 1000) + ' s so far)';
        }, 1000);
      }
    });
  }
})();

// lupe-serve's search page, enhanced: results as you type from /api/search, suggestions
// from /api/suggest, facets, paging and "more like this" without a reload, the URL kept in
// sync, and keys (/ to search, arrows to move, Enter to open). The server renders the same
// page without this script; the markup built here follows apps/serve/page.cpp. Document
// text is untrusted: it only ever reaches the page through textContent.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;
  const PAGE_SIZE = 10;
  const CARRIED = ["q", "lang", "query_lang", "source", "year", "from", "to", "sort", "offset", "similar"];

  const box = document.getElementById("q");
  const form = document.getElementById("search");
  const main = document.getElementById("main");
  const list = document.getElementById("suggestions");
  if (!box || !form || !main || !list) return;

  // The page's state is its URL's parameters.
  const state = {};
  for (const [name, value] of new URLSearchParams(location.search)) {
    if (CARRIED.includes(name) && value !== "") state[name] = value;
  }
  let similarTitle = "";

  let timer = 0;
  let searchController = null;
  let suggestController = null;
  let generation = 0;          // the newest search asked for; older answers are dropped
  let suggestGeneration = 0;

  // ---- small DOM helpers (never innerHTML) ----
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function pageUrl(changes) {
    const params = new URLSearchParams();
    const merged = Object.assign({}, state, changes || {});
    for (const name of CARRIED) {
      const value = merged[name];
      if (value !== undefined && value !== null && value !== "" && !(name === "offset" && value === "0")) {
        params.set(name, value);
      }
    }
    const query = params.toString();
    return "/" + (query ? "?" + query : "");
  }

  function apiUrl() {
    const params = new URLSearchParams();
    for (const name of ["lang", "query_lang", "source", "year", "from", "to", "sort", "offset"]) {
      if (state[name]) params.set(name, state[name]);
    }
    params.set("limit", String(PAGE_SIZE));
    params.set("facets", "true");
    if (state.similar) {
      params.set("id", state.similar);
      return "/api/similar?" + params.toString();
    }
    params.set("q", state.q || "");
    return "/api/search?" + params.toString();
  }

  function isWebUrl(url) {
    return /^https?:\/\/./i.test(url || "");
  }

  // A snippet's or a title's text, with <mark> around its highlights: [begin, end] byte
  // offsets into the UTF-8 text. Appended as text nodes, never parsed as markup.
  function appendMarked(node, text, highlights) {
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder();
    let at = 0;
    for (const span of highlights || []) {
      const [begin, end] = span;
      if (!(begin >= at && end > begin && end <= bytes.length)) continue;
      node.append(decoder.decode(bytes.subarray(at, begin)));
      node.append(el("mark", null, decoder.decode(bytes.subarray(begin, end))));
      at = end;
    }
    node.append(decoder.decode(bytes.subarray(at)));
    return node;
  }

  // The character at `position` (1-based code points) of the query, marked.
  function queryWithPosition(query, position) {
    const chars = Array.from(query || "");
    const index = Math.max(0, position - 1);
    return el("code", { class: "query" }, chars.slice(0, index).join(""),
      el("mark", { class: "error-at" }, chars[index] || " "), chars.slice(index + 1).join(""));
  }

  function resultNode(hit) {
    const title = hit.title
      ? appendMarked(document.createDocumentFragment(), hit.title, hit.title_highlights)
      : hit.id;
    const heading = el("h2", { class: "title" }, isWebUrl(hit.url)
      ? el("a", { href: hit.url, rel: "noopener noreferrer" }, title)
      : el("span", null, title));
    const parts = [];
    if (hit.date) parts.push(el("time", { datetime: hit.date }, hit.date));
    if (hit.lang) parts.push(el("span", { class: "lang" }, hit.lang));
    if (hit.source) parts.push(el("span", { class: "source" }, hit.source));
    if (hit.duplicates > 0) parts.push(el("span", { class: "dups" }, "+" + hit.duplicates + " more"));
    const meta = el("p", { class: "meta" });
    parts.forEach((part, i) => {
      if (i) meta.append(" · ");
      meta.append(part);
    });
    meta.append(el("a", { class: "similar", href: "/?similar=" + encodeURIComponent(hit.id), dataset: { id: hit.id } },
      "More like this"));
    return el("li", { class: "result", dataset: { id: hit.id } }, heading,
      hit.url ? el("p", { class: "url" }, hit.url) : null,
      hit.snippet ? appendMarked(el("p", { class: "snippet" }), hit.snippet, hit.highlights) : null, meta);
  }

  function facetGroup(name, label, values) {
    const active = state[name] || "";
    if (!(values && values.length) && !active) return null;
    const ul = el("ul");
    if (active) {
      ul.append(el("li", null, el("a", { class: "active", "aria-current": "true", href: pageUrl({ [name]: "", offset: "" }),
        dataset: { param: name, value: "" } }, el("span", { class: "value" }, active),
        el("span", { class: "remove", "aria-label": "remove filter" }, "×"))));
    }
    for (const v of values || []) {
      if (String(v.value) === active) continue;
      ul.append(el("li", null, el("a", { href: pageUrl({ [name]: String(v.value), offset: "" }),
        dataset: { param: name, value: String(v.value) } }, el("span", { class: "value" }, String(v.value)),
        el("span", { class: "count" }, String(v.count)))));
    }
    return el("section", { class: "facet", dataset: { facet: name } }, el("h2", null, label), ul);
  }

  function renderResults(data) {
    const nodes = [];
    if (state.similar) nodes.push(el("h1", { class: "heading" }, "More like “" + (similarTitle || state.similar) + "”"));
    if (data.syntax_error) {
      const match = /at position (\d+)$/.exec(data.syntax_error);
      nodes.push(el("p", { class: "notice syntax" }, data.syntax_error,
        match ? ": " : null, match ? queryWithPosition(state.q, Number(match[1])) : null,
        " — searched for ", el("code", null, data.query), " instead."));
    }
    if (data.suggestion) {
      nodes.push(el("p", { class: "notice suggestion" }, "Did you mean ",
        el("a", { href: pageUrl({ q: data.suggestion, offset: "" }), dataset: { q: data.suggestion } }, data.suggestion), "?"));
    }
    for (const notice of data.notices || []) nodes.push(el("p", { class: "notice" }, notice));
    if ((data.missing_shards || []).length) {
      nodes.push(el("p", { class: "notice" }, data.missing_shards.length + " shard(s) could not be searched; results may be missing."));
    }
    if (data.time_limited) {
      nodes.push(el("p", { class: "notice" }, "The search stopped at its time limit; better matches may be missing."));
    }
    const offset = Number(state.offset || 0);
    const hits = data.results || [];
    const total = data.total_estimate || 0;
    nodes.push(el("p", { class: "status", role: "status" }, hits.length
      ? ["Results " + (offset + 1) + "–" + (offset + hits.length) + " of ", el("span", { class: "total" }, String(total))]
      : (offset > 0 && total > 0 ? "No more results." : "No results.")));
    const facets = data.facets || {};
    const aside = el("aside", { class: "facets", "aria-label": "Narrow the results" },
      facetGroup("lang", "Language", facets.lang), facetGroup("source", "Source", facets.source),
      facetGroup("year", "Year", facets.year),
      facets.exact === false && facets.counted > 0 ? el("p", { class: "approx" }, "Counts are estimates.") : null);
    const ol = el("ol", { class: "results", start: String(offset + 1) });
    for (const hit of hits) ol.append(resultNode(hit));
    nodes.push(el("div", { class: "layout" }, aside, ol));
    const hasPrevious = offset > 0;
    const hasNext = hits.length > 0 && offset + hits.length < total;
    if (hasPrevious || hasNext) {
      const nav = el("nav", { class: "paging", "aria-label": "Pages" });
      if (hasPrevious) {
        const previous = Math.max(0, offset - PAGE_SIZE);
        nav.append(el("a", { rel: "prev", href: pageUrl({ offset: String(previous) }), dataset: { offset: String(previous) } }, "← Previous"));
      }
      nav.append(el("span", { class: "page" }, "Page " + (Math.floor(offset / PAGE_SIZE) + 1)));
      if (hasNext) {
        nav.append(el("a", { rel: "next", href: pageUrl({ offset: String(offset + PAGE_SIZE) }), dataset: { offset: String(offset + PAGE_SIZE) } }, "Next →"));
      }
      nodes.push(nav);
    }
    main.replaceChildren(...nodes);
  }

  function renderError(status, error) {
    const section = el("section", { class: "error", role: "alert" },
      el("h1", null, status === 503 ? "The index is not available right now"
        : status >= 500 ? "The search failed" : "This search cannot be run"),
      el("p", null, (error && error.message) || "Something went wrong."));
    if (error && typeof error.position === "number") section.append(el("p", null, queryWithPosition(state.q, error.position)));
    main.replaceChildren(section);
  }

  function renderWelcome() {
    main.replaceChildren(el("section", { class: "welcome" }, el("h1", null, "Search the index"),
      el("p", null, "Type words to find; ", el("code", null, "\"a phrase\""), ", ", el("code", null, "-word"),
        " to leave out, ", el("code", null, "title:"), ", ", el("code", null, "date:2024"), ", ",
        el("code", null, "ascen*"), "; ", el("code", null, "AND"), ", ", el("code", null, "OR"), ", ",
        el("code", null, "NOT"), ".")));
  }

  function syncUrl() {
    const url = pageUrl();
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
    document.title = state.similar ? "Like " + (similarTitle || state.similar) + " – lupe"
      : state.q ? state.q + " – lupe" : "lupe";
  }

  function syncForm() {
    for (const name of ["lang", "source", "year"]) {
      let input = form.querySelector('input[type="hidden"][name="' + name + '"]');
      if (state[name]) {
        if (!input) form.append(input = el("input", { type: "hidden", name }));
        input.value = state[name];
      } else if (input) {
        input.remove();
      }
    }
  }

  async function search() {
    clearTimeout(timer);
    syncUrl();
    syncForm();
    const mine = ++generation;
    if (searchController) searchController.abort();
    const narrowing = state.lang || state.source || state.year || state.from || state.to;
    if (!state.similar && !(state.q || "").trim() && !narrowing) {
      searchController = null;
      renderWelcome();
      return;
    }
    searchController = new AbortController();
    main.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(apiUrl(), { signal: searchController.signal, headers: { Accept: "application/json" } });
      const data = await response.json();
      if (mine !== generation) return;
      if (!response.ok) renderError(response.status, data.error);
      else renderResults(data);
    } catch (e) {
      if (e.name === "AbortError" || mine !== generation) return;
      renderError(0, { message: "The server could not be reached." });
    } finally {
      if (mine === generation) main.removeAttribute("aria-busy");
    }
  }

  // ---- suggestions ----
  function hideSuggestions() {
    list.hidden = true;
    list.replaceChildren();
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  async function suggest() {
    const mine = ++suggestGeneration;
    if (suggestController) suggestController.abort();
    const q = box.value;
    const last = q.split(/\s+/).pop() || "";
    if (last.length < 2 || /[":()*]/.test(last)) {
      hideSuggestions();
      return;
    }
    suggestController = new AbortController();
    try {
      const response = await fetch("/api/suggest?" + new URLSearchParams({ q }).toString(), { signal: suggestController.signal });
      if (!response.ok) return;
      const data = await response.json();
      if (mine !== suggestGeneration || box.value !== q) return;
      const completions = (data.completions || []).filter((c) => c.text !== q).slice(0, 8);
      if (!completions.length || document.activeElement !== box) {
        hideSuggestions();
        return;
      }
      list.replaceChildren(...completions.map((c, i) => el("li", { id: "suggestion-" + i, role: "option", "aria-selected": "false",
        dataset: { text: c.text } }, el("span", null, c.text), el("span", { class: "count" }, String(c.documents)))));
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    } catch (e) {
      if (e.name !== "AbortError") hideSuggestions();
    }
  }

  function chooseSuggestion(item) {
    box.value = item.dataset.text + " ";
    hideSuggestions();
    state.q = box.value.trim();
    delete state.similar;
    delete state.offset;
    search();
    box.focus();
  }

  function moveIn(items, delta, current) {
    if (!items.length) return -1;
    let index = items.indexOf(current) + delta;
    if (index < 0) index = -1;
    if (index >= items.length) index = items.length - 1;
    return index;
  }

  // ---- events ----
  box.addEventListener("input", () => {
    state.q = box.value;
    delete state.similar;
    delete state.offset;
    clearTimeout(timer);
    timer = setTimeout(() => {
      search();
      suggest();
    }, DEBOUNCE_MS);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hideSuggestions();
    state.q = box.value;
    delete state.similar;
    delete state.offset;
    search();
  });

  form.addEventListener("change", (event) => {
    const name = event.target.name;
    if (!["from", "to", "sort"].includes(name)) return;
    state[name] = event.target.value.trim();
    delete state.offset;
    search();
  });

  list.addEventListener("mousedown", (event) => {
    const item = event.target.closest("li");
    if (item) {
      event.preventDefault();
      chooseSuggestion(item);
    }
  });

  box.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== box) hideSuggestions();
  }, 0));

  main.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a");
    if (!link || !main.contains(link)) return;
    if (link.dataset.param) {
      state[link.dataset.param] = link.dataset.value;
      delete state.offset;
    } else if (link.dataset.offset !== undefined) {
      state.offset = link.dataset.offset;
    } else if (link.classList.contains("similar")) {
      const result = link.closest(".result");
      const title = result && result.querySelector(".title");
      similarTitle = title ? title.textContent : "";
      state.similar = link.dataset.id;
      delete state.offset;
    } else if (link.dataset.q !== undefined) {
      state.q = link.dataset.q;
      box.value = state.q;
      delete state.offset;
    } else {
      return;
    }
    event.preventDefault();
    search().then(() => window.scrollTo(0, 0));
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement || (target && target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }
    if (event.key === "Escape" && !list.hidden) {
      hideSuggestions();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Enter") return;
    const delta = event.key === "ArrowDown" ? 1 : -1;

    // In the box with suggestions open: the arrows move through them, Enter takes one.
    if (target === box && !list.hidden) {
      const items = Array.from(list.children);
      const current = list.querySelector('[aria-selected="true"]');
      if (event.key === "Enter") {
        if (current) {
          event.preventDefault();
          chooseSuggestion(current);
        }
        return;
      }
      event.preventDefault();
      const index = moveIn(items, delta, current);
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) box.setAttribute("aria-activedescendant", items[index].id);
      else box.removeAttribute("aria-activedescendant");
      return;
    }

    // Elsewhere (or in the box without suggestions): the arrows move through the results;
    // Enter on a result follows its focused title link (the browser's own behaviour).
    if (event.key === "Enter" || (typing && target !== box)) return;
    const results = Array.from(main.querySelectorAll(".result"));
    if (!results.length) return;
    const current = main.querySelector(".result.selected");
    const index = moveIn(results, delta, current);
    event.preventDefault();
    results.forEach((r, i) => r.classList.toggle("selected", i === index));
    if (index < 0) {
      box.focus();
      return;
    }
    const focusable = results[index].querySelector(".title a") || results[index].querySelector("a");
    if (focusable) focusable.focus();
    results[index].scrollIntoView({ block: "nearest" });
  });
})();

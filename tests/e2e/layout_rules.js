// The layout rules, evaluated in the page: `([viewportWidth, inflate]) => [failures]`.
// Each failure is {rule, element, text, detail}. Kept free of any page-specific selector so that a new
// page is checked by the same rules without editing them.
([viewportWidth, inflate]) => {
  const failures = [];
  const DIGIT = /\d/;

  const describe = (el) => {
    if (!el || el.nodeType !== 1) return String(el);
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const cls = typeof el.className === "string" ? el.className.trim() : (el.getAttribute("class") || "").trim();
    if (cls) s += "." + cls.split(/\s+/).join(".");
    const testid = el.getAttribute("data-testid");
    if (testid) s += `[data-testid=${testid}]`;
    const parent = el.parentElement;
    if (parent && parent !== document.body && !el.id && !testid) s = describeShort(parent) + " > " + s;
    return s;
  };
  const describeShort = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + "#" + el.id;
    const cls = typeof el.className === "string" ? el.className.trim() : (el.getAttribute("class") || "").trim();
    if (cls) s += "." + cls.split(/\s+/)[0];
    return s;
  };
  const textOf = (el) => (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 80);
  const px = (n) => Math.round(n);

  // Elements a reader cannot see on purpose (screen-reader-only text, closed menus) are not laid out for
  // the eye: skip anything inside them.
  const hiddenOnPurpose = (el) => {
    // Not rendered: display none, visibility hidden, or inside a closed <details> (content-visibility).
    if (!el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })) return true;
    for (let a = el; a && a.nodeType === 1; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse") return true;
      if (cs.clip && cs.clip !== "auto") return true;
      if (cs.clipPath && cs.clipPath !== "none") return true;
      const r = a.getBoundingClientRect();
      if ((r.width <= 1 || r.height <= 1) && cs.overflow !== "visible") return true;
    }
    return false;
  };

  // --- rule 1: no horizontal scroll --------------------------------------------------------------
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (scrollWidth > viewportWidth) {
    // Name the deepest elements that stick out past the right edge: those are what to fix.
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right + window.scrollX <= viewportWidth + 0.5) continue;
      if (hiddenOnPurpose(el)) continue;
      // Inside a horizontal scroller that itself fits, sticking out is scrolling, not page overflow.
      let scroller = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox !== "visible" && ox !== "clip" && a.getBoundingClientRect().right <= viewportWidth + 0.5) { scroller = true; break; }
      }
      if (scroller) continue;
      if ([...el.children].some((c) => c.getBoundingClientRect().right + window.scrollX > viewportWidth + 0.5)) continue;
      out.push(el);
    }
    const first = out[0];
    failures.push({
      rule: "horizontal-scroll",
      element: first ? describe(first) : "html",
      text: first ? textOf(first) : "",
      detail: `page is ${scrollWidth}px wide in a ${viewportWidth}px viewport` +
        (out.length ? `; sticking out: ${out.slice(0, 4).map((e) => `${describe(e)} (right edge ${px(e.getBoundingClientRect().right)}px)`).join("; ")}` : ""),
    });
  }

  // --- rule 2: the header's visible parts do not overlap ----------------------------------------
  const header = document.querySelector("body > header, header");
  if (header) {
    const parts = [];
    for (const el of header.querySelectorAll("*")) {
      const tag = el.tagName.toLowerCase();
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const control = ["a", "button", "input", "select", "textarea", "summary", "img", "svg"].includes(tag);
      if (!own && !control) continue;
      if (el.closest("svg") && tag !== "svg") continue;
      if (hiddenOnPurpose(el)) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      parts.push([el, r]);
    }
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const [a, ra] = parts[i], [b, rb] = parts[j];
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && h > 1) {
          failures.push({
            rule: "header-overlap", element: describe(a), text: textOf(a),
            detail: `overlaps ${describe(b)} ("${textOf(b)}") by ${px(w)}×${px(h)}px ` +
              `[${px(ra.left)},${px(ra.top)} ${px(ra.width)}×${px(ra.height)}] vs [${px(rb.left)},${px(rb.top)} ${px(rb.width)}×${px(rb.height)}]`,
          });
        }
      }
    }
    // A control squeezed to nothing overlaps nothing but is as broken (the 24 px search box).
    for (const [el, r] of parts) {
      const tag = el.tagName.toLowerCase();
      if (tag === "input" && el.type !== "hidden" && r.width < 120) {
        failures.push({ rule: "header-squeezed", element: describe(el), text: el.placeholder || "",
                        detail: `input is ${px(r.width)}px wide (at least 120px)` });
      }
    }
  }

  // --- rule 3: figures are shown whole -----------------------------------------------------------
  if (inflate) {
    // Every bare count becomes a 7-digit one (Vietnamese grouping): the layout must hold the largest
    // figure the province can have, not only the demo's.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    // A count: digits with or without Vietnamese thousands dots, no leading zero (that is a day or a code).
    const bare = /^(\s*)([1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*)(\s*)$/;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = n.textContent.match(bare);
      if (!m || n.parentElement.closest("script, style, option, textarea, title")) continue;
      n.textContent = m[1] + "9.999.999" + m[3];
    }
  }
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!DIGIT.test(n.textContent)) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest("script, style, option, textarea, noscript, title")) continue;
    seen.add(el);
    const range = document.createRange();
    range.selectNodeContents(n);
    const inSvg = el instanceof SVGElement;
    const rects = inSvg ? [el.getBoundingClientRect()] : [...range.getClientRects()];
    if (!rects.length || rects.every((r) => r.width === 0)) continue;
    if (hiddenOnPurpose(el)) continue;
    const cs = getComputedStyle(el);
    const text = textOf(el);
    if (!inSvg && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== "auto" && cs.overflowX !== "scroll") {
      failures.push({
        rule: cs.textOverflow === "ellipsis" ? "figure-ellipsis" : "figure-overflow", element: describe(el), text,
        detail: `content is ${el.scrollWidth}px wide in a ${el.clientWidth}px box` +
          (cs.textOverflow === "ellipsis" ? " (cut with an ellipsis)" : cs.overflowX === "visible" ? " (spills out of its box)" : ` (overflow: ${cs.overflowX})`),
      });
      continue;
    }
    // A figure or a registration number broken over two lines ("01/12/202" + "6", "AG-" + "90188-TS") reads
    // as two wrong ones. Running prose outside tables may wrap where the browser likes.
    const prose = n.textContent.trim().length > 60 && !el.closest("td, th, dd");
    if (!inSvg && !prose) {
      // A registration number on its own (a table's identifier column) must not break; inside a sentence it
      // may wrap at its hyphens like any hyphenated word.
      const code = /^[A-Z]{2,3}-\d{3,6}-[A-Z]{2,}$/.test(n.textContent.trim());
      const figure = code ? /[A-Z]{2,3}-\d{3,6}-[A-Z]{2,}/g : /\d(?:[\d.,:\/]*\d)?(?:[ \u00a0]%)?/g;
      let broken = null;
      for (const m of n.textContent.matchAll(figure)) {
        if (m[0].length < 2) continue;  // one digit cannot break
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter((q) => q.width > 0).map((q) => Math.round(q.top)));
        if (lines.size > 1) { broken = m[0]; break; }
      }
      if (broken) {
        failures.push({ rule: "figure-broken", element: describe(el), text,
                        detail: `"${broken}" is split over more than one line` });
        continue;
      }
    }
    // Cut by an ancestor that hides its overflow (overflow: hidden/clip, or an <svg>'s own viewport).
    let cutBy = null;
    for (let a = inSvg ? el.parentElement : el; a && a !== document.documentElement; a = a.parentElement) {
      const acs = getComputedStyle(a);
      const clips = (acs.overflowX === "hidden" || acs.overflowX === "clip" || acs.overflowY === "hidden" || acs.overflowY === "clip");
      if (!clips) continue;
      const box = a.getBoundingClientRect();
      const left = box.left + a.clientLeft, top = box.top + a.clientTop;
      const right = left + (a instanceof SVGSVGElement ? box.width : a.clientWidth);
      const bottom = top + (a instanceof SVGSVGElement ? box.height : a.clientHeight);
      const cut = rects.find((r) => r.width > 0 && (r.left < left - 1 || r.right > right + 1 || r.top < top - 1 || r.bottom > bottom + 1));
      if (cut) {
        failures.push({
          rule: "figure-cut", element: describe(el), text,
          detail: `text box [${px(cut.left)}..${px(cut.right)}]×[${px(cut.top)}..${px(cut.bottom)}] is cut by ${describe(a)} ` +
            `(overflow ${acs.overflowX}/${acs.overflowY}) showing [${px(left)}..${px(right)}]×[${px(top)}..${px(bottom)}]`,
        });
        cutBy = a;
        break;
      }
    }
    if (cutBy) continue;
    // Spilling out of its box: drawn over whatever lies beside it (a count pushed out of its card by a
    // too narrow column is painted over by the next card: "8402" read as "840").
    for (let a = inSvg ? el.ownerSVGElement.parentElement : el; a && a !== document.body; a = a.parentElement) {
      const acs = getComputedStyle(a);
      if (acs.display === "inline" || acs.display === "contents") continue;
      // Inside a scroller the text may lie beyond its edge: that is scrolling, not spilling.
      if (acs.overflowX === "auto" || acs.overflowX === "scroll" || acs.overflowY === "auto" || acs.overflowY === "scroll") break;
      const box = a.getBoundingClientRect();
      const out = rects.find((r) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1));
      if (out) {
        failures.push({
          rule: "figure-spill", element: describe(el), text,
          detail: `text box [${px(out.left)}..${px(out.right)}]×[${px(out.top)}..${px(out.bottom)}] spills out of ${describe(a)} ` +
            `[${px(box.left)}..${px(box.right)}]×[${px(box.top)}..${px(box.bottom)}]`,
        });
        break;
      }
    }
  }
  return failures;
}

"""What a page looks like on a small screen, measured in the page: whatever runs past the
right edge of the screen, and tap targets smaller than 24 x 24 CSS pixels (WCAG 2.2, 2.5.8)."""

from __future__ import annotations

from typing import Any

MIN_TARGET_PX = 24

# Runs in the page; returns readable descriptions of every problem found.
_MEASURE = """
(minimum) => {
  const width = window.innerWidth;
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${text}"`;
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  // Inside a box that scrolls or clips sideways (a wide table in its scroller, a visually hidden
  // label): what passes the edge is reached by scrolling that box, not the page.
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) || clipped(el)) continue;
    const right = el.getBoundingClientRect().right;
    if (right > width + 0.5) problems.push(`${describe(el)} reaches ${Math.round(right)} px`);
  }
  // A link in running text is exempt (2.5.8's inline exception); a link alone in its line,
  // list item or paragraph is a target like a button.
  const block = (el) => {
    let up = el.parentElement;
    while (up && getComputedStyle(up).display.startsWith('inline')) up = up.parentElement;
    return up;
  };
  const inline = (link) => {
    const around = block(link);
    return around !== null && around.innerText.trim() !== link.innerText.trim();
  };
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.body.querySelectorAll(targets)) {
    if (!shown(el)) continue;
    if (el.tagName === 'A' && inline(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < minimum - 0.01 || box.height < minimum - 0.01) {
      problems.push(`${describe(el)} is ${box.width.toFixed(0)} x ${box.height.toFixed(0)} px`);
    }
  }
  return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    """What runs past the screen's edge, and the tap targets under 24 x 24 px, on the page shown."""
    return list(page.evaluate(_MEASURE, MIN_TARGET_PX))

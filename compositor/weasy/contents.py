"""Contents page numbers (target-counter) settled in two layout passes, not three."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from compositor.weasy.internals import _source_of, _verified

# ================================================= contents page numbers (target-counter)
#
# The contents give each article's page with ``target-counter(attr(href url), page)``.
# WeasyPrint 70 lays the contents' page out three times. The first pass has no page
# numbers yet. The second re-makes the page, and only while doing so re-reads its
# counters: ``make_page`` compares the page counters it cached for each lookup of the
# page's (those with counters of their own, ``missing_counters``: ``page`` here, as
# WeasyPrint 70's ``compute_content_list`` files a target's counter there too) with
# the page's, and they differ because the page total (``pages``) was 0 in the first
# pass. Its other route, re-reading a lookup when its target moves, misses these: it
# keys them by the anchor name, which is None for ``attr()``. The re-read content then
# needs a third pass to be laid out. (Were the filing fixed, these lookups would have
# no missing counters and the seam would leave them alone.)
#
# ``page_total_settled`` does that re-read before the second pass, for the lookups on
# the first page that pass re-makes: nothing before that page changes in the pass, so
# WeasyPrint's own re-read would see the same counters and targets, and the second
# pass lays out the numbers and is the last. A lookup on a later page is left to
# WeasyPrint: pages before it may move its targets during the pass (contents at the
# back of an issue, after text whose page numbers reflow it). Where some content shows
# the page total, nothing is done (see ``_settle_page_total``). In the sample: thirteen
# page layouts instead of fourteen.
#
# Internals used (checked by ``check_contents_internals``):
# - ``weasyprint.layout.make_all_pages(context, root_box, html, pages)`` (called by name
#   in ``weasyprint.layout.layout_document``, with ``pages`` the previous pass's pages);
#   ``context.page_maker`` entries end with the page's remake state (``content_changed``
#   and ``pages_wanted``: the page is re-made in the next pass).
# - ``context.target_collector.counter_lookup_items`` (``CounterLookupItem``:
#   ``parse_again``, ``missing_counters``, ``missing_target_counters``,
#   ``page_maker_index``, ``cached_page_counter_values``).
# - ``weasyprint.layout.page.make_page`` re-reads a lookup with missing counters when
#   the page's counters differ from its cached ones, which then compare equal.

PAGE_TOTAL = "pages"  # WeasyPrint's name for the page-total counter
LOOKUP_ATTRIBUTES = (
    "parse_again",
    "missing_counters",
    "missing_target_counters",
    "page_maker_index",
    "cached_page_counter_values",
)


@contextmanager
def page_total_settled() -> Iterator[None]:
    """Re-read the first re-made page's page-based counters before a repagination."""
    from weasyprint import layout as weasy_layout

    _verify_contents_internals(weasy_layout)
    original = weasy_layout.make_all_pages
    if isinstance(original, partial):
        raise RuntimeError("page_total_settled is already active")
    weasy_layout.make_all_pages = partial(_make_all_pages, original)
    try:
        yield
    finally:
        weasy_layout.make_all_pages = original


def _make_all_pages(original, context, root_box, html, pages):
    if pages:  # a repagination: every target has been laid out, the total is known
        _settle_page_total(context, len(pages))
    return original(context, root_box, html, pages)


def _settle_page_total(context, total: int) -> None:
    """Re-read, as ``make_page`` would during the pass, each lookup on the first page
    the pass re-makes whose cached counters differ from the page's only by the total.
    Nothing is done where some content shows the total: re-reading such a lookup early
    lays its new text out a pass early, and the passes that follow can differ."""
    lookups = context.target_collector.counter_lookup_items.values()
    if any(_shows_page_total(lookup) for lookup in lookups):
        return
    stale = [
        lookup
        for lookup in lookups
        if lookup.missing_counters
        and lookup.page_maker_index is not None
        and lookup.cached_page_counter_values.get(PAGE_TOTAL, [total]) != [total]
    ]
    remade = (
        index
        for index, (*_, state) in enumerate(context.page_maker)
        if state["content_changed"] or state["pages_wanted"]
    )
    first = min((*remade, *(lookup.page_maker_index for lookup in stale)), default=None)
    for lookup in stale:
        if lookup.page_maker_index == first:
            lookup.cached_page_counter_values = {
                **lookup.cached_page_counter_values,
                PAGE_TOTAL: [total],
            }
            lookup.parse_again(lookup.cached_page_counter_values)
            context.page_maker[first][-1]["content_changed"] = True


def _shows_page_total(lookup) -> bool:
    return PAGE_TOTAL in lookup.missing_counters or any(
        PAGE_TOTAL in counters for counters in lookup.missing_target_counters.values()
    )


def _verify_contents_internals(weasy_layout) -> None:
    """``check_contents_internals``, once per process."""
    import weasyprint
    from weasyprint.css import targets as weasy_targets
    from weasyprint.layout import page as weasy_page

    _verified(
        check_contents_internals,
        weasyprint.__version__,
        weasy_layout.make_all_pages,
        weasy_layout.layout_document,
        weasy_page.make_page,
        weasy_page.make_all_pages,
        weasy_targets.CounterLookupItem.__init__,
    )


def check_contents_internals() -> list[str]:
    """What ``page_total_settled`` relies on that a WeasyPrint upgrade could change."""
    from weasyprint import layout as weasy_layout
    from weasyprint.css import targets as weasy_targets
    from weasyprint.layout import page as weasy_page

    problems = []
    found = list(inspect.signature(weasy_layout.make_all_pages).parameters)
    if found != ["context", "root_box", "html", "pages"]:
        problems.append(f"layout.make_all_pages{tuple(found)} changed")
    needed = {
        "layout_document": (
            _source_of(weasy_layout.layout_document),
            "pages = list(make_all_pages(context, root_box, html, pages))",
            "page_counter_values['pages'] = [actual_total_pages]",
        ),
        "make_page": (
            _source_of(weasy_page.make_page),
            "missing_counters = counter_lookup.missing_counters",
            "counter_lookup.cached_page_counter_values:",
            "counter_lookup.parse_again(page_counter_values)",
            "remake_state['content_changed'] = True",
        ),
        "make_all_pages": (
            _source_of(weasy_page.make_all_pages),
            "remake_state = context.page_maker[i][-1]",
            "remake_state['content_changed'] or\n                remake_state['pages_wanted']",
        ),
    }
    for function, (source, *fragments) in needed.items():
        for fragment in fragments:
            if fragment not in source:
                problems.append(f"{function} no longer has {fragment!r}")
    lookup = _source_of(weasy_targets.CounterLookupItem.__init__)
    assigned = set(re.findall(r"self\.(\w+) =", lookup))
    if missing := set(LOOKUP_ATTRIBUTES) - assigned:
        problems.append(f"CounterLookupItem no longer sets {sorted(missing)}")
    return problems

"""``compositor preview``: the issue's pages in the browser, live, with click-to-source."""

"""The two reference documents the benchmark compares compositor with.

Both carry the sample issue's text — masthead, section banners, article titles,
paragraphs, credits — set in the shipped fonts at the layout's sizes on A4 with the
layout's margins:

- ``typst_document``: a Typst file (plus a JSON file with the text) with a table of
  contents with page numbers, running head and page numbers, as our build has;
- ``plain_html``: plain HTML for WeasyPrint with no template, no TOC, no Chinese
  typesetting, no coverage check: what WeasyPrint costs on its own.

The text is taken after our typesetting stage (full-width punctuation), so that all
three set the same characters.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from compositor.build import FONTS_DIR, layout_for
from compositor.content import read_issue
from compositor.fonts.fontset import load_fontset
from compositor.text import typeset_issue

# The layout's page and type (layouts/torch/style.css), for Typst.
TYPST_TEMPLATE = """\
#let data = json("issue.json")
#set document(title: data.title)
#set page(
  paper: "a4",
  margin: (top: 26mm, bottom: 24mm, x: 77.13pt),
  header: context if counter(page).get().first() > 1 [
    #set text(size: 9pt)
    #align(center, data.running)
    #v(-0.6em)
    #line(length: 100%, stroke: 0.5pt + rgb("#e50012"))
  ],
  footer: context align(center)[— #counter(page).display() —],
)
#set text(font: "{body}", size: 10.5pt, lang: "zh", region: "cn", fill: rgb("#1a1a1a"),
  top-edge: "ascender", bottom-edge: "descender")
// CSS line-height 1.75 on a 1 em line box; paragraphs without margins
#set par(leading: 0.75em, spacing: 0.75em, justify: true,
  first-line-indent: (amount: 2em, all: true))
#show heading.where(level: 1): it => block(
  width: 100%, fill: rgb("#e50012"), inset: (y: 2.5mm), below: 8mm,
  align(center, text(font: "{heading}", size: 14pt, fill: white, weight: "regular", it.body)),
)
#show heading.where(level: 2): it => block(
  width: 100%, below: 5mm,
  align(center, text(font: "{title}", size: 15pt, weight: "regular", it.body)),
)

#align(center)[
  #text(font: "{display}", size: 54pt, fill: rgb("#e50012"), tracking: 0.25em, data.title) \\
  #text(font: "{heading}", size: 14pt, data.publisher)
]
#grid(columns: (1fr, 1fr), text(size: 12pt, data.label), align(right, text(size: 12pt, data.date)))
#line(length: 100%, stroke: 2.5pt + rgb("#e50012"))
#outline(title: none, depth: 2)

#for section in data.sections [
  #heading(level: 1, section.title)
  #for article in section.articles [
    #heading(level: 2, article.title)
    #for paragraph in article.paragraphs [
      #paragraph

    ]
    #if article.credit != "" {
      align(right, text(font: "{kai}", "（供稿：" + article.credit + "）"))
    }
  ]
]
"""


def issue_data(folder: Path) -> dict:
    """The text of an issue after typesetting, as plain data."""
    read = read_issue(folder)
    issue = typeset_issue(read, layout_for(read).marks)
    return {
        "title": issue.publication.title,
        "publisher": issue.publication.publisher,
        "label": issue.label,
        "date": issue.date_label,
        "running": f"{issue.publication.title} · {issue.year}年第{issue.number}期",
        "sections": [
            {
                "title": section.title,
                "articles": [
                    {
                        "title": article.title,
                        "paragraphs": [block.text for block in article.blocks],
                        "credit": article.credit,
                    }
                    for article in section.articles
                ],
            }
            for section in issue.sections
        ],
    }


def font_families(folder: Path) -> dict[str, str]:
    """Layout role → font family name, as the shipped fonts name themselves."""
    return dict(layout_for(read_issue(folder)).fonts)


def typst_document(folder: Path, target: Path) -> Path:
    """Write ``target``/issue.typ and issue.json; compile with font_paths=[FONTS_DIR]."""
    target.mkdir(parents=True, exist_ok=True)
    data = json.dumps(issue_data(folder), ensure_ascii=False)
    (target / "issue.json").write_text(data, encoding="utf-8")
    source = TYPST_TEMPLATE
    for role, family in font_families(folder).items():
        source = source.replace("{" + role + "}", family)
    (target / "issue.typ").write_text(source, encoding="utf-8")
    return target / "issue.typ"


def plain_html(folder: Path, target: Path) -> Path:
    """Write ``target``/issue.html: the same text and fonts, no template, no TOC."""
    target.mkdir(parents=True, exist_ok=True)
    data = issue_data(folder)
    fontset = load_fontset(FONTS_DIR)
    faces = "\n".join(
        f'@font-face {{ font-family: "{role}"; src: url("{fontset.path_of(family).as_uri()}"); }}'
        for role, family in font_families(folder).items()
    )
    body = [
        f'<h1 class="display">{html.escape(data["title"])}</h1>',
        f"<p class=center>{html.escape(data['publisher'])}</p>",
    ]
    for section in data["sections"]:
        body.append(f"<h2>{html.escape(section['title'])}</h2>")
        for article in section["articles"]:
            body.append(f"<h3>{html.escape(article['title'])}</h3>")
            body += [f"<p>{html.escape(text)}</p>" for text in article["paragraphs"]]
            if article["credit"]:
                body.append(f"<p class=credit>（供稿：{html.escape(article['credit'])}）</p>")
    document = PLAIN_HTML.format(faces=faces, body="\n".join(body))
    (target / "issue.html").write_text(document, encoding="utf-8")
    return target / "issue.html"


PLAIN_HTML = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><style>
{faces}
@page {{ size: A4; margin: 26mm 77.13pt 24mm; @bottom-center {{ content: counter(page) }} }}
html {{ font-family: body; font-size: 10.5pt; line-height: 1.75 }}
p {{ margin: 0; text-indent: 2em; text-align: justify }}
.display {{ font-family: display; font-size: 54pt; color: #e50012; text-align: center }}
h2 {{ font-family: heading; font-weight: normal; background: #e50012; color: white;
      font-size: 14pt; text-align: center }}
h3 {{ font-family: title; font-weight: normal; font-size: 15pt; text-align: center }}
.center {{ font-family: heading; text-align: center; text-indent: 0 }}
.credit {{ font-family: kai; text-align: right }}
</style></head><body>
{body}
</body></html>
"""

"""compositor import: legacy plain text → issue folder, checked against the legacy text."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import ROOT, SEED, run_cli, squash

from compositor.content import read_issue
from compositor.errors import ContentError
from compositor.importer import run as importer
from compositor.importer.parse import ends_sentence
from compositor.importer.run import import_legacy
from compositor.model import Issue, Paragraph, Subhead
from compositor.text.normalize import find_halfwidth_punctuation, normalize

COMMITTED = ROOT / "content" / "torch"
LEGACY = ROOT / "tests" / "data" / "legacy"
ISSUE_2023_05 = LEGACY / "torch-2023-05.txt"
ISSUE_2023_11 = LEGACY / "torch-2023-11.txt"


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory) -> Path:
    """The seed imported once into a fresh publication folder: its one guess is the lead."""
    folder = tmp_path_factory.mktemp("import") / "torch" / "2022-17"
    result = import_legacy(SEED, folder)
    assert lead_guesses(result.warnings) == [line_of(SEED, "大战略呼唤大担当")]
    return folder


def not_leads(warnings) -> list:
    """The warnings other than the seed's lead guess (see lead_guesses)."""
    return [w for w in warnings if "is taken as the article's lead" not in w.message]


def lead_guesses(warnings) -> list[int]:
    """Lines of the importer's warnings, which must all be leads it guessed (issue 18)."""
    assert all("is taken as the article's lead" in w.message for w in warnings), warnings
    return [w.line for w in warnings]


@pytest.fixture(scope="module")
def seed_issue(seed_folder) -> Issue:
    return read_issue(seed_folder)


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def body_stream(issue: Issue) -> str:
    """The issue's body as the legacy text prints it, squashed for comparison."""
    parts = []
    for section in issue.sections:
        parts.append(section.title)
        if section.subtitle:
            parts.append("——" + section.subtitle)
        for article in section.articles:
            parts += [article.title, article.lead, *(block.text for block in article.blocks)]
            if article.credit:
                parts.append(f"(供稿:{article.credit})")
    return squash("".join(parts))


def legacy_body_lines(path: Path, first_banner: str) -> list[str]:
    """Non-blank lines of a legacy file from the first body banner to the colophon."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    start = lines.index(first_banner)
    end = len(lines) - lines[::-1].index("科技部火炬高技术产业开发中心") - 1
    return [line for line in lines[start:end] if line]


def assert_in_order(haystack: str, lines: list[str]) -> None:
    position = 0
    for line in lines:
        found = haystack.find(squash(line), position)
        assert found >= 0, f"missing or out of order: {line[:40]!r}"
        position = found + len(squash(line))


def outline(issue: Issue) -> list[tuple[str, str, list[tuple[str, int, list[str], str, str]]]]:
    """(section, subtitle, [(title, paragraphs, subheads, lead, credit)]) for each section."""
    return [
        (
            section.title,
            section.subtitle,
            [
                (
                    article.title,
                    len(article.paragraphs),
                    [b.text for b in article.blocks if isinstance(b, Subhead)],
                    article.lead,
                    article.credit,
                )
                for article in section.articles
            ],
        )
        for section in issue.sections
    ]


# --- the sample issue ----------------------------------------------------------------------


def test_fresh_import_of_the_seed_is_the_committed_content(seed_folder):
    """The committed content/torch is exactly what the importer makes: no hand edits."""
    fresh_root = seed_folder.parent
    fresh = sorted(p.relative_to(fresh_root) for p in fresh_root.rglob("*") if p.is_file())
    committed = [COMMITTED / p for p in fresh]
    assert fresh == sorted(p.relative_to(COMMITTED) for p in COMMITTED.rglob("*") if p.is_file())
    for relative, theirs in zip(fresh, committed, strict=True):
        ours = (fresh_root / relative).read_text(encoding="utf-8")
        assert ours == theirs.read_text(encoding="utf-8"), f"{relative} differs"


def test_every_seed_line_is_in_the_issue_in_order(seed_issue):
    assert_in_order(body_stream(seed_issue), legacy_body_lines(SEED, "火炬在行动"))
    # … and nothing else: the body holds exactly the seed's characters.
    assert body_stream(seed_issue) == squash("".join(legacy_body_lines(SEED, "火炬在行动")))


def test_seed_sections_articles_subheads_leads_and_credits(seed_issue):
    assert (seed_issue.year, seed_issue.number) == (2022, 17)
    assert (seed_issue.cumulative, seed_issue.date.isoformat()) == (546, "2022-10-18")
    zhou, daobao = "科技部火炬中心", "中国高新技术产业导报"
    party = [
        ("天津滨海高新区广大党员收听收看党的二十大开幕会", 4, [], "", "天津滨海高新区"),
        ("重庆高新区组织集中收看党的二十大开幕会", 4, [], "", "重庆高新区"),
        ("广州高新区党员干部群众收听收看党的二十大开幕盛况", 3, [], "", "广州高新区"),
        ("厦门火炬高新区党员干部群众收听收看党的二十大开幕会", 4, [], "", "厦门火炬高新区"),
        ("南昌高新区党员干部群众集中收看党的二十大开幕盛况", 4, [], "", "南昌高新区"),
        ("济宁高新区干部群众收听收看党的二十大开幕会", 3, [], "", "济宁高新区"),
        ("昆山高新区通过各种形式收看党的二十大开幕会", 4, [], "", "昆山高新区"),
    ]
    assert outline(seed_issue) == [
        (
            "火炬在行动",
            "",
            [
                (
                    "科技部火炬中心举办2022年国家高新区主任和主要职能部门负责同志专题培训班",
                    6,
                    [],
                    "",
                    zhou,
                ),
                (
                    "国家高新区科学城交流研讨会在山东淄博召开",
                    10,
                    [],
                    "",
                    f"中国高新技术产业导报、{zhou}",
                ),
            ],
        ),
        (
            "聚焦二十大",
            "",
            [("国家高新区干部群众热议党的二十大报告", 13, [], "", daobao), *party],
        ),
        (
            "奋进新征程 建功新时代",
            "国家高新区十年成就巡礼",
            [
                (
                    "潍坊高新区：冲刺一流国家高新区",
                    12,
                    ["产业 崛起的力量", "科技 高质量发展的脊梁", "城市 高品质之路"],
                    "大战略呼唤大担当，新起点瞄准新高度。",
                    "潍坊高新区",
                ),
                (
                    "无锡高新区：构建新兴产业策源地",
                    8,
                    ["强化规划引领", "集聚创新活力", "推进产业升级"],
                    "",
                    "无锡高新区",
                ),
                (
                    "绍兴高新区：加快建设“一核两平台”",
                    12,
                    ["产业结构不断优化", "推进数字赋能发展", "集聚科创资源"],
                    "",
                    "绍兴高新区",
                ),
            ],
        ),
    ]


def test_page_breaks_are_rejoined_and_every_paragraph_ends_a_sentence(seed_issue):
    paragraphs = [p.text for a in seed_issue.articles for p in a.paragraphs]
    for joined in [
        "新发展格局下的产业发展、数字全球化",  # 40/42
        "包括完善顶层设计和规划、增强原始创新能力、大力发展科技金融",  # a word split: 大 / 力发展
        "集中收听收看党的二十大开幕会",  # 166/168
        "全力构建全链条综合创新生态体系，走出了一条",  # 292/294
    ]:
        assert any(joined in p for p in paragraphs), joined
    assert all(ends_sentence(p) for p in paragraphs)


def test_text_is_normalised(seed_issue):
    texts = [seed_issue.publication.colophon.phone]
    for article in seed_issue.articles:
        texts += [article.title, article.lead, article.credit]
        texts += [block.text for block in article.blocks]
    assert all(find_halfwidth_punctuation(text) == [] for text in texts)
    assert all(normalize(text) == text for text in texts)
    everything = "".join(texts)
    for expected in [
        "企业2000多家",
        "38名干部",
        "西部（重庆）科学城",
        "（7号文）",
        "1.4:41.8:56.8",
    ]:
        assert expected in everything


def test_seed_colophon(seed_folder):
    colophon = read_issue(seed_folder).colophon
    assert dataclasses.asdict(colophon) == {
        "address": "北京市西城区三里河二区甲18号",
        "postcode": "100045",
        "phone": "（010）88656173",
        "website": "www.chinatorch.gov.cn",
        "editorial_address": "北京市西城区西直门外大街132号京鼎大厦八层",
        "editorial_postcode": "100044",
        "editorial_phone": "（010）68667266-310",
        "editors": ("田栓林", "樊子天", "叶伟"),
    }
    publication = read_issue(seed_folder).publication
    assert (publication.title, publication.publisher) == (
        "火炬动态",
        "科技部火炬高技术产业开发中心",
    )


# --- other issues of the publication -------------------------------------------------------


def test_issue_with_latin_titles_split_title_and_inline_credit(tmp_path):
    folder = tmp_path / "torch" / "2023-05"
    result = import_legacy(ISSUE_2023_05, folder)
    assert lead_guesses(result.warnings) == [line_of(ISSUE_2023_05, "十年磨一剑")]
    issue = result.issue
    assert (issue.year, issue.number, issue.cumulative, str(issue.date)) == (
        2023,
        5,
        534,
        "2023-03-08",
    )
    assert outline(issue) == [
        (
            "政策解读",
            "",
            [
                ("5G+工业互联网赋能制造业转型升级", 2, [], "", "科技部火炬中心"),
                ("R&D投入强度再创新高", 2, [], "", "中国高新技术产业导报、科技部火炬中心"),
                ("“十四五”国家高新区发展规划解读", 2, [], "", ""),
            ],
        ),
        (
            "园区风采",
            "国家高新区创新发展观察",
            [
                (
                    "绍兴高新区：加快建设“一核两平台”",
                    3,
                    ["做强科创引擎", "壮大产业集群"],
                    "十年磨一剑，砺得梅花香。",
                    "绍兴高新区",
                ),
                # Printed over two lines in the body: 苏州工业园区打造生物医药 / 产业地标.
                ("苏州工业园区打造生物医药产业地标", 2, [], "", "苏州工业园区"),
            ],
        ),
    ]
    texts = [p.text for a in issue.articles for p in a.paragraphs]
    assert "比例约为3.1:2.6:2.4:2.2。其中，研发人员全时当量超过120万人年" in texts[3]
    assert texts[3].endswith("同比增长8.5%。")  # the inline credit is taken off
    assert any("助力产业迈向中高端。" in text for text in texts)  # 中高 / 端 rejoined
    assert issue.colophon.editors == ("张明", "李华")
    assert_in_order(body_stream(issue), legacy_body_lines(ISSUE_2023_05, "政策解读"))


def test_issue_with_one_article_sections_and_subtitle_after_the_bracket(tmp_path):
    issue = import_legacy(ISSUE_2023_11, tmp_path / "torch" / "2023-11", strict=True).issue
    assert outline(issue) == [
        ("火炬在行动", "", [("2023年度科技型中小企业评价工作启动", 2, [], "", "科技部火炬中心")]),
        (
            "地方动态",
            "",
            [
                ("武汉东湖高新区发布光谷科创大走廊建设方案", 2, [], "", ""),
                ("成都高新区：打造西部（成都）科学城核心区", 2, [], "", "成都高新区"),
                ("深圳高新区推动AI+机器人产业集群发展", 2, [], "", ""),
                ("西安高新区举办第三届硬科技创新大会", 1, [], "", "西安高新区"),
            ],
        ),
        (
            "科技金融",
            "服务科技型中小企业",
            [("科创板助力高新技术企业上市融资", 1, [], "", "上海证券报")],
        ),
    ]
    paragraphs = [p.text for a in issue.articles for p in a.paragraphs]
    assert "形成“研发—中试—量产”的完整链条？答案是肯定的。" in paragraphs[7]
    assert "大会以“硬科技 向未来”为主题" in paragraphs[8]
    assert issue.colophon.editors == ("王芳",)
    assert_in_order(body_stream(issue), legacy_body_lines(ISSUE_2023_11, "火炬在行动"))


def test_round_trip_through_the_pdf(tmp_path):
    """compositor import, then compositor build: the legacy text is on the pages, in order."""
    folder = tmp_path / "torch" / "2023-05"
    pdf = tmp_path / "out.pdf"
    imported = run_cli("import", str(ISSUE_2023_05), "-o", str(folder))
    assert imported.returncode == 0, imported.stderr
    built = run_cli("build", str(folder), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    document = pdfium.PdfDocument(str(pdf))
    pages = [page.get_textpage().get_text_range() for page in document]
    document.close()
    furniture = re.compile(r"^(火炬动态\s*·\s*\d{4}年第\d+期|—\s*\d+\s*—)$")
    lines = [ln.strip() for page in pages for ln in page.splitlines()]
    text = squash("".join(ln for ln in lines if not furniture.match(ln)))
    # Credits print as （供稿：…） after the text, as in the legacy file.
    assert_in_order(text, legacy_body_lines(ISSUE_2023_05, "政策解读"))
    toc = squash(pages[0])
    for title in [
        "5G+工业互联网赋能制造业转型升级",
        "R&D投入强度再创新高",
        "苏州工业园区打造生物医药产业地标",
    ]:
        assert squash(title) in toc
    assert squash("责任编辑：张明") in squash(pages[-1])


# --- an existing publication ------------------------------------------------------------------


def test_existing_publication_is_kept_and_differences_are_reported(tmp_path):
    root = tmp_path / "torch"
    root.mkdir()
    original = (COMMITTED / "publication.toml").read_text(encoding="utf-8")
    edited = original.replace("三里河二区甲18号", "三里河二区甲20号")
    (root / "publication.toml").write_text(edited, encoding="utf-8")

    result = import_legacy(ISSUE_2023_05, root / "2023-05")

    assert (root / "publication.toml").read_text(encoding="utf-8") == edited
    assert root / "publication.toml" not in result.written
    messages = {w.line: w.message for w in result.warnings if not w.ambiguous}
    address_line = line_of(ISSUE_2023_05, "地址:北京市西城区三里河")
    editors_line = line_of(ISSUE_2023_05, "责任编辑")
    assert set(messages) == {address_line, editors_line}
    assert "三里河二区甲20号" in messages[address_line]
    assert "张明 李华" in messages[editors_line]
    assert 'editors = ["张明", "李华"]' in (root / "2023-05" / "issue.toml").read_text()
    assert result.issue.colophon.editors == ("张明", "李华")
    assert result.issue.publication.colophon.editors == ("田栓林", "樊子天", "叶伟")


def test_same_editors_need_no_override(tmp_path):
    root = tmp_path / "torch"
    root.mkdir()
    shutil.copyfile(COMMITTED / "publication.toml", root / "publication.toml")
    result = import_legacy(SEED, root / "2022-17")
    assert lead_guesses(result.warnings) == [line_of(SEED, "大战略呼唤大担当")]
    assert "editors" not in (root / "2022-17" / "issue.toml").read_text()


# --- ambiguities and bad input -------------------------------------------------------------------


def seed_variant(tmp_path: Path, old: str, new: str, name: str = "variant.txt") -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_title_differing_from_the_toc_is_a_warning_and_strict_makes_it_an_error(tmp_path):
    legacy = seed_variant(
        tmp_path,
        "国家高新区科学城交流研讨会在山东淄博召开\n\n科学城既是",
        "国家高新区科学城研讨会在淄博召开\n\n科学城既是",
    )
    line = line_of(legacy, "国家高新区科学城研讨会在淄博召开")
    with pytest.raises(ContentError) as error:
        import_legacy(legacy, tmp_path / "strict" / "x", strict=True)
    assert (error.value.path, error.value.line) == (legacy, line)
    assert "--strict" in error.value.message
    assert not (tmp_path / "strict" / "x").exists()

    result = import_legacy(legacy, tmp_path / "lax" / "x")
    assert [(w.line, w.ambiguous) for w in not_leads(result.warnings)] == [(line, True)]
    assert result.issue.articles[1].title == "国家高新区科学城研讨会在淄博召开"


def test_short_line_with_punctuation_is_a_subhead_with_a_warning(tmp_path):
    legacy = seed_variant(tmp_path, "\n强化规划引领\n", "\n强化规划,引领发展\n")
    result = import_legacy(legacy, tmp_path / "torch" / "x")
    line = line_of(legacy, "强化规划,引领发展")
    assert [w.line for w in not_leads(result.warnings)] == [line]
    assert str(not_leads(result.warnings)[0]).startswith(f"{legacy}:{line}: warning: ")
    subheads = [b.text for b in result.issue.articles[11].blocks if isinstance(b, Subhead)]
    assert "强化规划，引领发展" in subheads


def test_subtitle_only_in_the_toc_is_kept_without_warning(tmp_path):
    legacy = seed_variant(tmp_path, "建功新时代\n\n——国家高新区十年成就巡礼\n", "建功新时代\n")
    result = import_legacy(legacy, tmp_path / "torch" / "x")
    assert len(lead_guesses(result.warnings)) == 1
    assert result.issue.sections[2].subtitle == "国家高新区十年成就巡礼"


def test_subtitle_only_in_the_body_is_kept_with_a_warning(tmp_path):
    legacy = seed_variant(tmp_path, "建功新时代】\n——国家高新区十年成就巡礼\n", "建功新时代】\n")
    result = import_legacy(legacy, tmp_path / "torch" / "x")
    assert result.issue.sections[2].subtitle == "国家高新区十年成就巡礼"
    assert [w.line for w in not_leads(result.warnings)] == [
        line_of(legacy, "——国家高新区十年成就巡礼")
    ]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"\n  \n\n", 1, "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>", 3, "binary"),
        (b"\n\n" + "火炬动态".encode("gbk"), 3, "UTF-8"),
        ("只有一行文字，没有报头。\n".encode(), 1, "masthead"),
        ("火炬动态\n\n科技部\n\n2022年第17期\n".encode(), 5, "masthead"),
        ("火炬动态\n科技部\n2022年第17期(总第546期) 2022年2月30日\n".encode(), 3, "date"),
    ],
)
def test_unreadable_files_are_content_errors_with_a_line(tmp_path, content, line, words):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(content)
    with pytest.raises(ContentError) as error:
        import_legacy(legacy, tmp_path / "torch" / "x")
    assert (error.value.path, error.value.line) == (legacy, line)
    assert words in error.value.message
    assert not (tmp_path / "torch").exists()


def test_missing_masthead_is_reported_at_the_first_line(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    legacy = tmp_path / "no-masthead.txt"
    legacy.write_text(text[text.index("【火炬在行动】") :], encoding="utf-8")
    with pytest.raises(ContentError, match="no masthead") as error:
        import_legacy(legacy, tmp_path / "torch" / "x")
    assert error.value.line == 1


def test_toc_entry_missing_from_the_body_names_the_toc_line(tmp_path):
    legacy = seed_variant(
        tmp_path,
        "国家高新区科学城交流研讨会在山东淄博召开\n\n【聚焦二十大】",
        "国家高新区科学城交流研讨会在山东淄博召开\n国家高新区知识产权工作会议召开\n\n【聚焦二十大】",
    )
    with pytest.raises(ContentError, match="国家高新区知识产权工作会议召开") as error:
        import_legacy(legacy, tmp_path / "torch" / "x")
    assert error.value.line == line_of(legacy, "国家高新区知识产权工作会议召开")
    assert "no such title" in error.value.message


def test_section_without_banner_names_the_toc_line(tmp_path):
    legacy = seed_variant(tmp_path, "\n聚焦二十大\n", "\n")
    with pytest.raises(ContentError, match="no banner") as error:
        import_legacy(legacy, tmp_path / "torch" / "x")
    assert error.value.line == line_of(legacy, "【聚焦二十大】")


def test_article_missing_from_the_toc_cannot_be_placed(tmp_path):
    extra = "(供稿:天津滨海高新区)\n\n河北高新区召开座谈会\n\n会议要求各部门认真学习。"
    legacy = seed_variant(tmp_path, "(供稿:天津滨海高新区)", extra)
    with pytest.raises(ContentError, match="cannot be placed") as error:
        import_legacy(legacy, tmp_path / "torch" / "x")
    assert error.value.line == line_of(legacy, "河北高新区召开座谈会")


def test_missing_colophon_is_an_error(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    legacy = tmp_path / "no-colophon.txt"
    legacy.write_text(text[: text.index("科技部火炬高技术产业开发中心\n地址")], encoding="utf-8")
    with pytest.raises(ContentError, match="no colophon"):
        import_legacy(legacy, tmp_path / "torch" / "x")


def test_lost_text_fails_the_import_naming_the_line(tmp_path, monkeypatch):
    """If a paragraph went missing between reading and writing, the import must fail."""
    parse = importer.parse_legacy

    def losing_parse(text, path):
        legacy = parse(text, path)
        first = legacy.sections[0]
        article = first.articles[0]
        kept = tuple(b for i, b in enumerate(article.blocks) if i != 1)
        article = dataclasses.replace(article, blocks=kept)
        first = dataclasses.replace(first, articles=(article, *first.articles[1:]))
        return dataclasses.replace(legacy, sections=(first, *legacy.sections[1:]))

    monkeypatch.setattr(importer, "parse_legacy", losing_parse)
    with pytest.raises(ContentError, match="could not be placed") as error:
        import_legacy(SEED, tmp_path / "torch" / "2022-17")
    assert error.value.line == line_of(SEED, "科技部火炬中心主任贾敬敦参加开班式")
    assert not (tmp_path / "torch" / "2022-17").exists()
    assert not (tmp_path / "torch" / "publication.toml").exists()


def test_existing_issue_folder_is_not_overwritten(tmp_path):
    folder = tmp_path / "torch" / "2022-17"
    folder.mkdir(parents=True)
    (folder / "01.md").write_text("hand-edited", encoding="utf-8")
    with pytest.raises(ContentError, match="not empty"):
        import_legacy(SEED, folder)
    assert (folder / "01.md").read_text(encoding="utf-8") == "hand-edited"


def test_blocks_are_paragraphs_or_subheads(seed_issue):
    kinds = {type(b) for a in seed_issue.articles for b in a.blocks}
    assert kinds == {Paragraph, Subhead}


# --- the command line ---------------------------------------------------------------------


def test_cli_prints_warnings_with_file_and_line(tmp_path):
    legacy = seed_variant(tmp_path, "\n强化规划引领\n", "\n强化规划,引领发展\n")
    result = run_cli("import", str(legacy), "-o", str(tmp_path / "torch" / "x"))
    assert result.returncode == 0, result.stderr
    line = line_of(legacy, "强化规划,引领发展")
    assert f"{legacy}:{line}: warning: " in result.stderr
    assert "13 articles" in result.stdout


def test_cli_exits_2_on_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run_cli("import", str(empty), "-o", str(tmp_path / "torch" / "x"))
    assert result.returncode == 2
    assert f"{empty}:1: the file is empty" in result.stderr
    assert "Traceback" not in result.stderr

    legacy = seed_variant(tmp_path, "\n强化规划引领\n", "\n强化规划,引领发展\n")
    result = run_cli("import", str(legacy), "-o", str(tmp_path / "torch" / "y"), "--strict")
    assert result.returncode == 2
    assert f"{legacy}:{line_of(legacy, '强化规划,引领发展')}: " in result.stderr

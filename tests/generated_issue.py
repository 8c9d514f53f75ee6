"""A generated issue of many articles, as an editor would write them: numbered titles,
subheads, one-line paragraphs, leads, credits, numbers with units at line ends."""

from __future__ import annotations

import shutil
from pathlib import Path

NUMERALS = "一二三四五六七八九十"
SECTIONS = ("火炬在行动", "园区动态", "奋进新征程 建功新时代")
SENTENCES = (
    "国家高新区坚持创新驱动发展，营业收入突破48万亿元，同比增长12.5%。",
    "园区聚焦新一代信息技术、生物医药和高端装备制造，培育了一批专精特新企业。",
    "截至2022年底，全区共有高新技术企业1200多家，研发投入强度达到4.5%以上。",
    "会议强调，要着力打造科技创新策源地，持续优化创新创业生态。",
    "与会代表围绕“科技金融”“成果转化”等议题进行了深入交流。",
    "下一步，园区将加快建设科学城，推动产学研深度融合，力争三年内新增企业300家。",
)


def chinese_number(number: int) -> str:
    if number <= 10:
        return NUMERALS[number - 1]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[units - 1] if units else "")


def paragraph(seed: int, sentences: int) -> str:
    return "".join(SENTENCES[(seed + k) % len(SENTENCES)] for k in range(sentences))


def article(number: int) -> str:
    section = SECTIONS[min(2, (number - 1) * len(SECTIONS) // 12)]
    title = f"第{chinese_number(number)}篇：国家高新区创新发展综述"
    front = [f'section = "{section}"', f'title = "{title}"']
    if number % 4 == 0:
        front.append('lead = "大战略呼唤大担当，新起点瞄准新高度。"')
    if number % 3 == 0:
        front.append('credit = "科技部火炬中心"')
    blocks = []
    if number % 5 == 1:
        blocks.append("会议全文如下。")  # a one-line paragraph first, under the banner
    blocks.append(paragraph(number, 2 + number % 4))
    if number % 2 == 0:
        blocks += ["## 强化规划引领", paragraph(number + 1, 3), "## 集聚创新活力"]
        blocks += ["园区新增企业300家。", paragraph(number + 2, 1 + number % 3)]
    else:
        blocks.append(paragraph(number + 3, 1 + number % 5))
        blocks.append("特此通报。")
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + "\n\n".join(blocks) + "\n"


def write_generated_issue(publication: Path, articles: int = 12) -> Path:
    """Write issue 2023-12 of ``articles`` articles into ``publication``; returns its folder."""
    folder = publication / "2023-12"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sections = "".join(f'\n[[sections]]\ntitle = "{title}"\n' for title in SECTIONS)
    (folder / "issue.toml").write_text(
        f"year = 2023\nnumber = 12\ncumulative = 541\ndate = 2023-06-20\n{sections}",
        encoding="utf-8",
    )
    for number in range(1, articles + 1):
        (folder / f"{number:02d}.md").write_text(article(number), encoding="utf-8")
    return folder

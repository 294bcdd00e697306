"""A deterministic synthetic portal for benchmarks: N documents over U units.

Vietnamese administrative prose (600-1,500 words a document) with headings, lists and a
table; front matter per SPEC §2.2; about 15 % drafts for comment, 5 % results, 3 %
internal documents; communes, wards and a few agencies. The same seed gives the same bytes.

    python bench/corpus.py --documents 5000 --units 100 --out /tmp/corpus-5000
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

WORDS = [
    "ủy",
    "ban",
    "nhân",
    "dân",
    "phường",
    "xã",
    "thị",
    "trấn",
    "huyện",
    "tỉnh",
    "thành",
    "phố",
    "công",
    "khai",
    "thông",
    "tin",
    "kế",
    "hoạch",
    "ngân",
    "sách",
    "dự",
    "toán",
    "quyết",
    "toán",
    "thu",
    "chi",
    "đầu",
    "tư",
    "xây",
    "dựng",
    "công",
    "trình",
    "dự",
    "án",
    "đất",
    "đai",
    "quy",
    "hoạch",
    "thu",
    "hồi",
    "bồi",
    "thường",
    "hỗ",
    "trợ",
    "tái",
    "định",
    "cư",
    "chính",
    "sách",
    "an",
    "sinh",
    "xã",
    "hội",
    "hộ",
    "nghèo",
    "cận",
    "nghèo",
    "người",
    "có",
    "công",
    "bảo",
    "hiểm",
    "y",
    "tế",
    "giáo",
    "dục",
    "y",
    "tế",
    "văn",
    "hóa",
    "thể",
    "thao",
    "môi",
    "trường",
    "rác",
    "thải",
    "nước",
    "sạch",
    "giao",
    "thông",
    "đường",
    "bộ",
    "cầu",
    "cống",
    "kênh",
    "mương",
    "thủy",
    "lợi",
    "nông",
    "nghiệp",
    "sản",
    "xuất",
    "kinh",
    "doanh",
    "hộ",
    "gia",
    "đình",
    "cá",
    "nhân",
    "tổ",
    "chức",
    "doanh",
    "nghiệp",
    "hợp",
    "tác",
    "xã",
    "thôn",
    "tổ",
    "dân",
    "phố",
    "khu",
    "phố",
    "trưởng",
    "thôn",
    "mặt",
    "trận",
    "tổ",
    "quốc",
    "đoàn",
    "thể",
    "hội",
    "phụ",
    "nữ",
    "đoàn",
    "thanh",
    "niên",
    "hội",
    "nông",
    "dân",
    "cựu",
    "chiến",
    "binh",
    "cán",
    "bộ",
    "công",
    "chức",
    "viên",
    "chức",
    "người",
    "lao",
    "động",
    "thủ",
    "tục",
    "hành",
    "chính",
    "một",
    "cửa",
    "hồ",
    "sơ",
    "giấy",
    "tờ",
    "chứng",
    "thực",
    "hộ",
    "tịch",
    "khai",
    "sinh",
    "kết",
    "hôn",
    "phí",
    "lệ",
    "phí",
    "mức",
    "thu",
    "đối",
    "tượng",
    "miễn",
    "giảm",
    "báo",
    "cáo",
    "tổng",
    "hợp",
    "kết",
    "quả",
    "thực",
    "hiện",
    "tiến",
    "độ",
    "năm",
    "quý",
    "tháng",
    "đầu",
    "cuối",
    "tăng",
    "giảm",
    "so",
    "với",
    "cùng",
    "kỳ",
    "đạt",
    "vượt",
    "chỉ",
    "tiêu",
    "nhiệm",
    "vụ",
    "giải",
    "pháp",
    "trọng",
    "tâm",
    "triển",
    "khai",
    "tổ",
    "chức",
    "kiểm",
    "tra",
    "giám",
    "sát",
    "đánh",
    "giá",
    "phối",
    "hợp",
    "chỉ",
    "đạo",
    "hướng",
    "dẫn",
    "tuyên",
    "truyền",
    "phổ",
    "biến",
    "vận",
    "động",
    "nhân",
    "dân",
    "tham",
    "gia",
    "ý",
    "kiến",
    "góp",
    "ý",
    "dự",
    "thảo",
    "nghị",
    "quyết",
    "quyết",
    "định",
    "thông",
    "báo",
    "công",
    "văn",
    "tờ",
    "trình",
    "biên",
    "bản",
    "hội",
    "nghị",
    "đối",
    "thoại",
    "tiếp",
    "công",
    "dân",
    "khiếu",
    "nại",
    "tố",
    "cáo",
    "phản",
    "ánh",
    "kiến",
    "nghị",
    "giải",
    "quyết",
    "trả",
    "lời",
    "công",
    "bố",
    "niêm",
    "yết",
    "loa",
    "truyền",
    "thanh",
    "cổng",
    "thông",
    "tin",
    "điện",
    "tử",
    "trang",
    "mạng",
    "xã",
    "hội",
    "đảm",
    "bảo",
    "dân",
    "chủ",
    "cơ",
    "sở",
    "minh",
    "bạch",
    "trách",
    "nhiệm",
    "giải",
    "trình",
]

CATEGORIES = (
    ["ke-hoach-kt-xh"] * 3
    + ["ngan-sach-du-toan"] * 3
    + ["ngan-sach-thuc-hien"] * 6
    + ["ngan-sach-quyet-toan"] * 2
    + ["du-an-dau-tu", "thu-hoi-dat-boi-thuong", "quy-hoach-xay-dung", "quy-dat-cap-xa"]
    + ["an-sinh-xa-hoi"] * 4
    + ["phi-le-phi", "thu-tuc-hanh-chinh", "tai-san-cong", "quy-tai-tro-dong-gop"]
    + ["ho-tro-thien-tai-quyen-gop", "nghia-vu-quan-su", "thanh-tra-tham-nhung", "khac"]
)
DRAFT_CATEGORIES = [
    "yk-quyet-dinh-cong-dong",
    "yk-quy-che-dan-chu",
    "yk-ke-hoach-kt-xh",
    "yk-du-an-lon",
]
AGENCY_CATEGORIES = [
    "cq-ke-hoach-cong-tac",
    "cq-ngan-sach",
    "cq-tai-san-cong",
    "cq-noi-quy-quy-che",
]
PLACES = [
    "An",
    "Bình",
    "Hòa",
    "Lợi",
    "Phú",
    "Thạnh",
    "Tân",
    "Hưng",
    "Long",
    "Mỹ",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Hiệp",
    "Phước",
    "Thuận",
    "Vĩnh",
    "Hải",
    "Sơn",
    "Lâm",
    "Thủy",
    "Kim",
    "Ngọc",
    "Quang",
    "Minh",
    "Đức",
    "Thành",
    "Nghĩa",
    "Lộc",
    "Thọ",
    "Khánh",
]
KINDS = ("Kế hoạch", "Báo cáo", "Thông báo", "Quyết định", "Nghị quyết", "Công khai")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))


def body(rng: random.Random, draft: bool) -> str:
    parts = []
    target = rng.randint(600, 1500)
    words = 0
    section = 0
    if draft:
        parts.append(
            "> Đề nghị Nhân dân, các tổ chức đóng góp ý kiến cho dự thảo trong thời hạn nêu trên.\n"
        )
    while words < target:
        section += 1
        parts.append(f"## {section}. {sentence(rng)[:-1]}\n")
        for _ in range(rng.randint(1, 3)):
            text = paragraph(rng)
            words += text.count(" ") + 1
            parts.append(text + "\n")
        if section % 2 == 0:
            parts.append(f"### {section}.1. {sentence(rng)[:-1]}\n")
            items = [f"- {sentence(rng)}" for _ in range(rng.randint(3, 6))]
            words += sum(i.count(" ") for i in items)
            parts.append("\n".join(items) + "\n")
        if section == 3:
            rows = [
                f"| {n} | {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} | {rng.randint(50, 9000):,} | {rng.randint(50, 120)}% |".replace(
                    ",", "."
                )
                for n in range(1, rng.randint(5, 9))
            ]
            parts.append(
                "| STT | Nội dung | Số tiền (triệu đồng) | Tỷ lệ |\n|---|---|--:|--:|\n"
                + "\n".join(rows)
                + "\n"
            )
    return "\n".join(parts)


def front_matter(fields: dict[str, object]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {v}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(out: Path, documents: int, units: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    content.mkdir(parents=True)
    (content / "index.md").write_text(
        "# Cổng thông tin công khai (bộ dữ liệu thử hiệu năng)\n\nDữ liệu tổng hợp, không phải văn bản thật.\n",
        encoding="utf-8",
    )
    unit_ids = []
    for index in range(units):
        agency = index % 10 == 9
        kind = "co-quan" if agency else ("phuong" if index % 2 else "xa")
        place = f"{PLACES[index % len(PLACES)]} {PLACES[(index * 7 + 3) % len(PLACES)]}"
        unit_id = f"{kind}-{index:04d}"
        name = (
            f"Phòng Tài chính {place}"
            if agency
            else f"Ủy ban nhân dân {'phường' if kind == 'phuong' else 'xã'} {place}"
        )
        folder = content / unit_id
        folder.mkdir()
        (folder / "_unit.yml").write_text(
            f"name: {quote(name)}\ntype: {kind}\naddress: {quote('Trụ sở ' + name)}\nemail: vp-{index:04d}@example.vn\n",
            encoding="utf-8",
        )
        unit_ids.append((unit_id, kind))
    start = date(2024, 1, 1)
    drafts: dict[str, list[str]] = {}
    for number in range(documents):
        unit_id, kind = unit_ids[number % units]
        day = start + timedelta(days=(number * 37) % 1050)
        roll = rng.random()
        fields: dict[str, object] = {}
        draft = False
        if kind == "co-quan":
            category = rng.choice(AGENCY_CATEGORIES)
            title = f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} năm {day.year}"
            fields = {"title": quote(title), "category": category, "date": day.isoformat()}
            if roll < 0.3:
                fields["audience"] = "public"
        elif roll < 0.15 or (roll < 0.2 and not drafts.get(unit_id)):
            draft = True
            category = rng.choice(DRAFT_CATEGORIES)
            closes = day + timedelta(days=rng.choice((20, 25, 30)))
            fields = {
                "title": quote(
                    f"Dự thảo {rng.choice(KINDS).lower()} về {rng.choice(WORDS)} {rng.choice(WORDS)}"
                ),
                "kind": "draft",
                "category": category,
                "date": day.isoformat(),
                "comment": {
                    "opens": day.isoformat(),
                    "closes": f"{closes.isoformat()} 17:00",
                    "email": f"vp-{unit_id}@example.vn",
                },
            }
        elif roll < 0.2 and drafts.get(unit_id):
            target = drafts[unit_id].pop(0)
            fields = {
                "title": quote(f"Báo cáo tổng hợp, giải trình, tiếp thu ý kiến số {number}"),
                "kind": "result",
                "category": "lay-y-kien-ket-qua",
                "date": day.isoformat(),
                "result_of": target,
            }
        else:
            category = rng.choice(CATEGORIES)
            fields = {
                "title": quote(
                    f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} năm {day.year}"
                ),
                "category": category,
                "date": day.isoformat(),
                "number": quote(f"{number}/{day.year}/UBND"),
                "issued": (day - timedelta(days=2)).isoformat(),
            }
            if category == "ngan-sach-thuc-hien":
                fields["period"] = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
            if roll > 0.97:
                fields["audience"] = "internal"
        name = f"van-ban-{number:06d}.md"
        folder = content / unit_id / str(day.year)
        folder.mkdir(exist_ok=True)
        text = front_matter(fields) + "\n" + body(rng, draft)
        (folder / name).write_text(text, encoding="utf-8")
        if draft:
            drafts.setdefault(unit_id, []).append(f"../{day.year}/{name}")
    write_configs(out)


def write_configs(out: Path) -> None:
    common = (
        "site_name: Cổng thử hiệu năng\nsite_url: https://bench.example.vn/\ndocs_dir: content\n"
        "theme:\n  name: material\n  language: vi\n"
        "markdown_extensions:\n  - tables\n  - toc:\n      permalink: true\n  - admonition\n  - attr_list\n"
    )
    (out / "mkdocs.yml").write_text(common + "plugins:\n  - portal\n", encoding="utf-8")
    # Plain MkDocs: same theme and Markdown, a nav of the home page only, Material's search.
    (out / "mkdocs-plain.yml").write_text(
        common
        + "nav:\n  - index.md\nvalidation:\n  nav:\n    omitted_files: ignore\n  links:\n    not_found: info\nplugins:\n  - search\n",
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--units", type=int, default=None, help="default: documents / 50")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    units = args.units or max(4, args.documents // 50)
    generate(args.out, args.documents, units, args.seed)
    print(f"{args.documents} documents in {units} units → {args.out}")


if __name__ == "__main__":
    main()

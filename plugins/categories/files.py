"""CSV downloads: the matrix for supervisors and each unit's quarterly lists."""

from __future__ import annotations

import csv
import io

from portal_gen import (
    Portal,
    SiteWriter,
    hookimpl,
)
from portal_gen.compliance import (
    unit_compliance,
)

from .pages import quarterly_lists, shown_audiences


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    # A byte-order mark so that Excel, which most offices use, opens Vietnamese text right.
    return buffer.getvalue().encode("utf-8-sig")


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    shown = shown_audiences(portal)
    site = portal.config.site_url or ""
    matrix = [
        [
            "ma_don_vi",
            "ten_don_vi",
            "loai_don_vi",
            "ma_danh_muc",
            "danh_muc",
            "can_cu",
            "bat_buoc",
            "tinh_trang",
            "so_van_ban",
        ]
    ]
    for unit in portal.units_sorted():
        compliance = unit_compliance(portal, unit, audiences=shown)
        for entry in compliance.categories:
            matrix.append(
                [
                    unit.id,
                    unit.name,
                    unit.type,
                    entry.category.code,
                    entry.category.short,
                    entry.category.basis,
                    "có" if entry.required else "không",
                    str(entry.status),
                    str(sum(portal.is_published(d) for d in entry.documents)),
                ]
            )
        for quarter in quarterly_lists(portal, unit):
            if writer.unchanged(quarter["csv"], site, quarter):
                continue  # its rows are those the previous build wrote
            rows = [
                [
                    "stt",
                    "noi_dung",
                    "so_ky_hieu",
                    "linh_vuc",
                    "hinh_thuc",
                    "ngay_thuc_hien",
                    "duong_dan",
                ]
            ]
            for number, row in enumerate(quarter["rows"], start=1):
                for form in row["forms"]:
                    rows.append(
                        [
                            str(number),
                            row["title"],
                            row["number"],
                            row["categories"],
                            form["form"],
                            form["date_text"],
                            site + row["url"],
                        ]
                    )
            writer.write_bytes(quarter["csv"], _csv(rows))
    writer.write_bytes("tinh-hinh-cong-khai.csv", _csv(matrix))

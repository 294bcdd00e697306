"""Art. 12(1) forms of disclosure, the codes editors write under ``forms:``, and labels."""

from __future__ import annotations

from portal_gen.compliance import (
    Presence,
)

MATRIX = "tinh-hinh-cong-khai.md"
UNIT_PAGE = "tinh-hinh-cong-khai.md"
QUARTERLY_PAGE = "danh-sach-cong-khai.md"

#: Art. 12(1) forms of disclosure (codes from the reference); the portal itself is b).
FORMS = {
    "ht-niem-yet": "Niêm yết",
    "ht-cong-ttdt": "Đăng tải trên cổng thông tin điện tử",
    "ht-truyen-thanh": "Phát trên hệ thống truyền thanh",
    "ht-truong-thon": "Thông qua Trưởng thôn, Tổ trưởng tổ dân phố",
    "ht-van-ban": "Gửi văn bản đến công dân",
    "ht-hoi-nghi-doi-thoai": "Hội nghị trao đổi, đối thoại",
    "ht-tiep-cong-dan-bao-chi": "Tiếp công dân, tiếp xúc cử tri, họp báo",
    "ht-doan-the": "Thông báo đến các tổ chức, đoàn thể",
    "ht-mang-xa-hoi": "Mạng viễn thông, mạng xã hội",
    "ht-khac": "Hình thức khác",
}
PORTAL_FORM = "ht-cong-ttdt"

STATUS_LABELS = {
    Presence.PRESENT: "Đã công khai",
    Presence.MISSING: "Chưa công khai",
    Presence.OUTDATED: "Chưa cập nhật kỳ mới",
}

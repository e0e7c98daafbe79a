"""Query parameters shared by the route table and the views that read them."""

from __future__ import annotations

from app.console.http import Param

IMPORT_PARAMS = (
    Param("dry_run", {"type": "boolean", "default": True}, "ตรวจอย่างเดียว ไม่บันทึก"),
    Param("skip_invalid", {"type": "boolean", "default": False}, "บันทึกเฉพาะแถวที่ถูกต้อง"),
    Param("reason", {"type": "string", "maxLength": 1000}, "เหตุผลของการนำเข้า"),
)

"""A demo finance sheet: each department's total spending and its digital-transformation budget, planned and spent,
for the last two years (millions of đồng), as the Department of Finance keeps it: some departments above the 3 %
line, most under it; this year's spending part-way through."""
from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook

from .staff import DEPARTMENTS

HEADER = ("Năm", "Sở, ban, ngành", "Tổng chi ngân sách", "Kế hoạch chi chuyển đổi số", "Đã chi chuyển đổi số")


def write_budget(out: Path | str, *, years: tuple[int, ...] = (2025, 2026), seed: int = 20250930) -> int:
    rng = random.Random(f"{seed}:budget")
    book = Workbook()
    sheet = book.active
    sheet.title = "Ngân sách CĐS"
    sheet.append(["BÁO CÁO DỰ TOÁN VÀ THỰC HIỆN CHI CHUYỂN ĐỔI SỐ (triệu đồng)"])
    sheet.append(HEADER)
    n = 0
    base = {d: rng.randrange(40_000, 900_000, 500) for d in DEPARTMENTS}
    for year in years:
        for department in DEPARTMENTS:
            total = round(base[department] * (1 + 0.06 * (year - years[0])), 1)
            share = rng.choice((0.008, 0.012, 0.018, 0.022, 0.027, 0.031, 0.036, 0.045))
            if department in ("Sở Khoa học và Công nghệ", "Trung tâm Phục vụ hành chính công tỉnh"):
                share *= 2.2  # the departments that lead the transformation
            planned = round(total * share, 1)
            done = rng.uniform(0.85, 1.0) if year < years[-1] else rng.uniform(0.35, 0.8)
            sheet.append((year, department, total, planned, round(planned * done, 1)))
            n += 1
    book.save(out)
    return n

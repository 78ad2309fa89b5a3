"""The government's day swaps that could be checked against public announcements (each row names its source).
Later years are entered in the admin as they are announced."""
from datetime import date

from django.db import migrations

SEED = [
    # Reunification Day and Labour Day 2024: 5 days off 27/4–1/5; Mon 29/4 off, worked on Sat 4/5.
    (date(2024, 4, 29), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 04/05/2024)", "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ"),
    (date(2024, 5, 4), "working", "Làm bù cho thứ Hai 29/04/2024", "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ"),
    # Reunification Day and Labour Day 2025: 5 days off 30/4–4/5; Fri 2/5 off, worked on Sat 26/4.
    (date(2025, 4, 26), "working", "Làm bù cho thứ Sáu 02/05/2025",
     "Thông báo 6150/TB-BLĐTBXH năm 2024 (thực hiện Công văn 8726/VPCP-KGVX năm 2024)"),
    (date(2025, 5, 2), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)",
     "Thông báo 6150/TB-BLĐTBXH năm 2024 (thực hiện Công văn 8726/VPCP-KGVX năm 2024)"),
    # National Day 2026: 5 days off 29/8–2/9; Mon 31/8 off, worked on Sat 22/8.
    (date(2026, 8, 22), "working", "Làm bù cho thứ Hai 31/08/2026",
     "Bộ Nội vụ, lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026 (công bố tháng 10/2025)"),
    (date(2026, 8, 31), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)",
     "Bộ Nội vụ, lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026 (công bố tháng 10/2025)"),
]


def seed(apps, schema_editor):
    DaySwap = apps.get_model("onestop", "DaySwap")
    for day, kind, note, source in SEED:
        DaySwap.objects.get_or_create(date=day, defaults={"kind": kind, "note": note, "source": source})


def unseed(apps, schema_editor):
    DaySwap = apps.get_model("onestop", "DaySwap")
    DaySwap.objects.filter(date__in=[row[0] for row in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("onestop", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

"""The registry file's columns: canonical field keys and the headers officers write for them.

Shared contract between the importer (which maps a file's headers to these keys) and the demo-data
generator (which writes files with these headers). Pure Python, no Django.
Headers are compared after `identity.text.fold`, so case, diacritics and spacing don't matter.
"""
from __future__ import annotations

from lienthong.identity.text import fold

# key -> (Vietnamese label used when we write files, other headers seen in the wild)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "registration_number": ("Số đăng ký", ("Số ĐK", "Số đăng ký tàu", "Biển số tàu", "Số hiệu tàu")),
    "vessel_name": ("Tên tàu", ()),
    "registration_date": ("Ngày đăng ký", ("Ngày cấp đăng ký",)),
    "owner_name": ("Họ tên chủ tàu", ("Chủ tàu", "Họ và tên chủ tàu", "Tên chủ tàu", "Chủ phương tiện")),
    "owner_id_number": ("Số CCCD", ("CCCD", "Số CCCD/CMND", "CCCD/CMND", "CMND", "Số CMND", "Số định danh cá nhân", "Số định danh")),
    "owner_birth_date": ("Ngày sinh", ("Năm sinh", "Ngày tháng năm sinh")),
    "owner_gender": ("Giới tính", ()),
    "owner_address": ("Địa chỉ", ("Địa chỉ chủ tàu", "Nơi thường trú", "Nơi cư trú", "Địa chỉ thường trú")),
    "owner_phone": ("Số điện thoại", ("SĐT", "Điện thoại")),
    "home_port": ("Cảng cá", ("Cảng đăng ký", "Nơi neo đậu", "Cảng neo đậu")),
    "length_m": ("Chiều dài", ("Chiều dài (m)", "Lmax", "Lmax (m)", "Chiều dài lớn nhất", "Chiều dài lớn nhất (m)")),
    "engine_kw": ("Công suất (KW)", ("Công suất", "Công suất (kW)", "Công suất máy", "Công suất máy (kW)", "Tổng công suất (KW)")),
    "tonnage": ("Tổng dung tích", ("Trọng tải", "GT", "Tổng dung tích (GT)")),
    "hull_material": ("Vật liệu vỏ", ("Vỏ tàu",)),
    "gear": ("Nghề khai thác", ("Nghề", "Nghề chính", "Nghề khai thác chính")),
    "licence_number": ("Số giấy phép", ("Số GPKT", "Giấy phép khai thác", "Số giấy phép khai thác")),
    "licence_issued": ("Ngày cấp giấy phép", ("Ngày cấp GP", "Ngày cấp GPKT")),
    "licence_expiry": ("Ngày hết hạn", ("Hạn giấy phép", "Ngày hết hạn GP", "Ngày hết hạn GPKT", "Hạn GPKT")),
    "fishing_zone": ("Vùng khai thác", ("Vùng hoạt động", "Vùng")),
    "safety_cert_number": ("Số GCN ATKT", ("Số giấy chứng nhận ATKT", "Giấy chứng nhận ATKT", "Số chứng nhận an toàn kỹ thuật")),
    "safety_cert_expiry": ("Hạn ATKT", ("Ngày hết hạn ATKT", "Hạn GCN ATKT", "Hạn an toàn kỹ thuật")),
    "vms_device_id": ("Mã thiết bị VMS", ("Số seri VMS", "VMS", "Thiết bị giám sát hành trình")),
}

REQUIRED = ("registration_number",)


def header_index() -> dict[str, str]:
    """fold(header) -> key, for every known header."""
    index: dict[str, str] = {}
    for key, (label, others) in COLUMNS.items():
        for header in (label, *others):
            index[fold(header)] = key
    return index


def label(key: str) -> str:
    return COLUMNS[key][0]

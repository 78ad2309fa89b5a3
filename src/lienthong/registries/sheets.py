"""How a registry's sheet looks to the officers who keep it: the Vietnamese heading of each column (a department's
Excel file carries these, or the profile's column names), and which columns place a record in a commune — the
commune whose People's Committee is asked about it when a person cannot be resolved."""
from __future__ import annotations

from lienthong.identity.text import fold

HEADERS: dict[str, dict[str, str]] = {
    "marriage": {
        "record_id": "Mã bản ghi", "registered_on": "Ngày đăng ký", "book_no": "Quyển số", "entry_no": "Số",
        "place": "Nơi đăng ký",
        "husband_name": "Họ tên chồng", "husband_birth_date": "Ngày sinh chồng", "husband_id_number": "Giấy tờ tùy thân chồng",
        "husband_residence": "Nơi cư trú chồng",
        "wife_name": "Họ tên vợ", "wife_birth_date": "Ngày sinh vợ", "wife_id_number": "Giấy tờ tùy thân vợ",
        "wife_residence": "Nơi cư trú vợ",
    },
    "land": {
        "record_id": "Mã bản ghi", "certificate_no": "Số giấy chứng nhận", "issued_on": "Ngày cấp", "commune": "Xã, phường",
        "sheet_no": "Tờ bản đồ số", "parcel_no": "Thửa đất số", "area_m2": "Diện tích (m²)", "holders": "Người sử dụng đất",
        "address": "Địa chỉ",
    },
    "student": {
        "record_id": "Mã bản ghi", "student_code": "Mã học sinh", "class": "Lớp", "full_name": "Họ và tên",
        "birth_date": "Ngày sinh", "gender": "Giới tính", "ethnicity": "Dân tộc", "commune": "Xã, phường",
        "father_name": "Họ tên cha", "father_birth_year": "Năm sinh cha", "mother_name": "Họ tên mẹ",
        "mother_birth_year": "Năm sinh mẹ", "id_number": "Mã định danh cá nhân",
    },
    "martyr": {
        "record_id": "Mã bản ghi", "source": "Nguồn", "martyr_name": "Họ tên liệt sĩ", "birth_year": "Năm sinh",
        "death_date": "Ngày hy sinh", "hometown": "Quê quán", "unit": "Đơn vị", "grave_location": "Nơi an táng",
        "kin_name": "Họ tên thân nhân", "kin_relation": "Quan hệ", "kin_birth_date": "Ngày sinh thân nhân",
        "kin_id_number": "CCCD thân nhân", "kin_residence": "Nơi cư trú thân nhân",
    },
    "staff": {
        "record_id": "Mã bản ghi", "full_name": "Họ và tên", "birth_date": "Ngày sinh", "gender": "Giới tính",
        "id_number": "Số CCCD", "unit": "Cơ quan, đơn vị", "commune": "Xã, phường", "position": "Chức vụ",
        "residence": "Nơi cư trú",
    },
}

# The first of these that names a commune places the record (a marriage registered at a commune's People's
# Committee is answered by it; a martyr's benefits are paid where the next of kin live).
COMMUNE_COLUMNS: dict[str, tuple[str, ...]] = {
    "marriage": ("place", "husband_residence", "wife_residence"),
    "land": ("commune", "address"),
    "student": ("commune",),
    "martyr": ("kin_residence", "hometown"),
    "staff": ("commune", "residence"),
}

# The words of each role in the files the campaign sends and exports (Vietnamese by design: they go to communes and
# back into the department's systems). Land holders after the first are "holder_2", "holder_3"…
ROLE_WORDS: dict[str, str] = {
    "husband": "Chồng", "wife": "Vợ", "holder": "Người sử dụng đất", "spouse": "Vợ/chồng", "student": "Học sinh",
    "father": "Cha", "mother": "Mẹ", "martyr": "Liệt sĩ", "kin": "Thân nhân", "official": "Cán bộ", "": "—",
}

# Flags that say how a record was read, not that something is wrong: they do not hold a record for an officer.
INFORMATIVE_FLAGS = frozenset({"matched_by_household", "matched_by_unique_name", "hometown_old_unit"})


def role_word(role: str) -> str:
    base, _sep, n = role.rpartition("_")
    if n.isdigit() and base in ROLE_WORDS:
        return f"{ROLE_WORDS[base]} {n}"
    return ROLE_WORDS.get(role, role)


def holding_flags(flags) -> list[str]:
    """The flags of a record that need an officer's look."""
    return [f for f in flags if f not in INFORMATIVE_FLAGS]


def header_map(profile: str, headings: list[str]) -> dict[str, str]:
    """{heading as in the file: column name} for the headings a file carries, matched to the profile's column names
    or their Vietnamese headings without regard to case, diacritics or spacing. Unknown headings are left out."""
    wanted = {}
    for column, heading in HEADERS.get(profile, {}).items():
        wanted[_key(column)] = column
        wanted[_key(heading)] = column
    return {h: wanted[_key(h)] for h in headings if h is not None and _key(h) in wanted}


def _key(text: str) -> str:
    return "".join(ch for ch in fold(str(text)) if ch.isalnum())

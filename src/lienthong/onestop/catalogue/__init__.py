"""The procedure catalogue: its import (services.py, the domain functions) and its officer pages under
/mot-cua/thu-tuc/ (views.py, urls.py)."""
from .services import (
    DATA,
    LAYOUT,
    MAX_LISTED,
    SHIPPED,
    CatalogueImportError,
    ImportResult,
    can_import_catalogue,
    import_catalogue,
    parse_fee,
    parse_processing_time,
    shipped_workbook,
    write_workbook,
)

__all__ = ["DATA", "LAYOUT", "MAX_LISTED", "SHIPPED", "CatalogueImportError", "ImportResult", "can_import_catalogue",
           "import_catalogue", "parse_fee", "parse_processing_time", "shipped_workbook", "write_workbook"]

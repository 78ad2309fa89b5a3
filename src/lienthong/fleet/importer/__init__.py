"""Import the fishing-fleet registry from the files officers have (xlsx, xls, CSV).

`import_registry()` is the one write path; the upload page and the CLI are thin wrappers over it.
The steps, one module each:

1. `fleet.readers` reads the file (legacy TCVN3/VNI cells decoded by their fonts).
2. `headers`: find the header row below any title rows and map headers to column keys
   (fleet.columns), or use a saved/explicit mapping. A missing required column refuses the file.
3. `rows` (with `owners` for the owner cells): normalise each row. A row with an error is rejected
   whole and reported with file, Excel row, header and a Vietnamese message (`problems`); the rest
   import, with warnings where a value was set aside.
4. `writer` (with `owners` for matching owners, `changes` for the history diff): everything in one
   transaction with bulk operations; re-importing the same file changes nothing.
5. `run` ties the steps together and keeps the RegistryImport record (the report).
"""
from .headers import HeaderPreview, preview_headers
from .problems import ImportRefused, format_problem
from .run import import_registry

__all__ = ["import_registry", "preview_headers", "HeaderPreview", "ImportRefused", "format_problem"]

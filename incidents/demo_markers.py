"""How fictional demo records say so, for code that recognises them without loading the demo.

`incidents.demo` writes these markers; the site's banner looks for `FICTIONAL_URL`.
"""

from __future__ import annotations

# Opens every fictional summary, description, statement and identity note.
FICTIONAL = "Fictional demo record."
# Every fictional source's URL starts with it (example.org is reserved for examples).
FICTIONAL_URL = "https://example.org/fictional-demo"

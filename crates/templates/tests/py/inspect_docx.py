"""Reports a document's headings, tables and properties as JSON, as python-docx sees them."""
import json
import sys

import docx

d = docx.Document(sys.argv[1])
out = {
    "title": [p.text for p in d.paragraphs if p.style is not None and p.style.name == "Title"],
    "headings": [p.text for p in d.paragraphs if p.style is not None and p.style.name.startswith("Heading")],
    "tables": [[[c.text for c in row.cells] for row in t.rows] for t in d.tables],
    "footer": "\n".join(p.text for s in d.sections for p in s.footer.paragraphs),
    "footer_fields": sum(s.footer._element.xml.count("PAGE") for s in d.sections),
    "body_bookmarks_outside_cells": 0,
}
body = d.element.body
ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
for bm in body.iter(ns + "bookmarkStart"):
    node, inside = bm, False
    while node is not None:
        if node.tag == ns + "tc":
            inside = True
            break
        node = node.getparent()
    if not inside:
        out["body_bookmarks_outside_cells"] += 1
print(json.dumps(out, ensure_ascii=False))

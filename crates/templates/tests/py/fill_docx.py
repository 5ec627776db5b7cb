"""Fills a Koodesk document the way a person typing in Word would: python-docx adds runs to the
answer cells (keeping whatever bookmarks are there) and, for tables, to the empty rows.

usage: fill_docx.py TEMPLATE.docx OUT.docx VALUES.json FORM.json
"""
import json
import sys

import docx

template, out, values_path, form_path = sys.argv[1:5]
values = json.load(open(values_path, encoding="utf-8"))
form = json.load(open(form_path, encoding="utf-8"))
d = docx.Document(template)


def text(v):
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, list):
        return ", ".join(v)
    return str(v)


def put(cell, v):
    cell.paragraphs[0].add_run(text(v))


for si, section in enumerate(form["sections"]):
    table = d.tables[si]
    if section.get("repeating"):
        rows = values.get(section["key"], [])
        for i, entry in enumerate(rows):
            for fi, field in enumerate(section["fields"]):
                if field["key"] in entry:
                    put(table.rows[1 + i].cells[fi], entry[field["key"]])
    else:
        for fi, field in enumerate(section["fields"]):
            if field["key"] in values:
                put(table.rows[1 + fi].cells[2], values[field["key"]])
d.save(out)

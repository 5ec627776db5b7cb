"""Fills a Koodesk workbook the way another tool would: openpyxl, using the _meta cell map.

usage: fill_xlsx.py TEMPLATE.xlsx OUT.xlsx VALUES.json FORM.json
VALUES: { field_key: value, repeating_section_key: [ { field_key: value } ] }; strings are written
as typed text, numbers as numbers, "YYYY-MM-DD" for date fields as real dates, booleans as Yes/No,
lists joined with ", ".
"""
import datetime
import json
import sys

import openpyxl

template, out, values_path, form_path = sys.argv[1:5]
values = json.load(open(values_path, encoding="utf-8"))
form = json.load(open(form_path, encoding="utf-8"))
types = {f["key"]: f["type"] for s in form["sections"] for f in s["fields"]}
repeating = {s["key"]: s for s in form["sections"] if s.get("repeating")}

wb = openpyxl.load_workbook(template)
meta = wb["_meta"]
places = {}
r = 8
while meta.cell(row=r, column=1).value:
    key, _section, sheet, kind, first, last, col = (meta.cell(row=r, column=c).value for c in range(1, 8))
    places[key] = (sheet, kind, int(first), int(last), col)
    r += 1


def cell_value(key, v):
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, list):
        return ", ".join(v)
    if types.get(key) == "date" and isinstance(v, str):
        try:
            return datetime.datetime.strptime(v, "%Y-%m-%d")
        except ValueError:
            return v
    return v


for key, v in values.items():
    if key in repeating:
        for i, entry in enumerate(v):
            for fkey, fv in entry.items():
                sheet, _kind, first, _last, col = places[fkey]
                wb[sheet][f"{col}{first + i}"] = cell_value(fkey, fv)
    else:
        sheet, _kind, first, _last, col = places[key]
        wb[sheet][f"{col}{first}"] = cell_value(key, v)
wb.save(out)

"""Writes a workbook and a document equivalent to Koodesk's for the same form with openpyxl and
python-docx, and prints the median milliseconds of each: `XLSX <ms>` and `DOCX <ms>`.

usage: baseline.py FORM.json RUNS OUTDIR
"""
import json
import statistics
import sys
import time

import docx
import openpyxl
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

form = json.load(open(sys.argv[1], encoding="utf-8"))
runs = int(sys.argv[2])
outdir = sys.argv[3]


def text(t):
    return t if isinstance(t, str) else t.get("en", "")


def workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Instructions"
    ws["A1"] = text(form["title"])
    ws["A1"].font = Font(bold=True, size=16)
    ws["A3"] = text(form.get("instructions", ""))
    guide = wb.create_sheet("Field guide")
    guide.append(["Section", "Field", "What it means", "Accepted values", "Example", "Required?"])
    req = wb.create_sheet("Request")
    req.append(["Field", "Your answer", "Help"])
    meta = wb.create_sheet("_meta")
    meta.sheet_state = "veryHidden"
    row = 2
    for s in form["sections"]:
        req.cell(row=row, column=1, value=text(s["title"])).fill = PatternFill("solid", fgColor="18212F")
        row += 1
        for f in s["fields"]:
            label = text(f["label"]) + (" *" if f.get("required") else "")
            guide.append([text(s["title"]), label, text(f.get("help", "")), f["type"], f.get("example", ""),
                          "Required" if f.get("required") else "Optional"])
            req.cell(row=row, column=1, value=label)
            answer = req.cell(row=row, column=2)
            answer.protection = Protection(locked=False)
            answer.number_format = "@"
            req.cell(row=row, column=3, value=text(f.get("help", "")))
            if f["type"] in ("enum", "yes_no"):
                opts = f.get("options", ["Yes", "No"])
                dv = DataValidation(type="list", formula1='"' + ",".join(opts) + '"', showErrorMessage=True)
            elif f["type"] == "integer":
                dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000")
            else:
                dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="1000")
            dv.promptTitle = label[:32]
            dv.prompt = text(f.get("help", ""))[:250]
            dv.add(answer.coordinate)
            req.add_data_validation(dv)
            meta.append([f["key"], s["key"], "Request", "single", row, row, "B"])
            row += 1
    for sheet in (ws, guide, req, meta):
        sheet.protection.sheet = True
    req.freeze_panes = "A2"
    wb.security.lockStructure = True
    wb.save(path)


def document(path):
    d = docx.Document()
    d.add_heading(text(form["title"]), 0)
    d.add_paragraph(text(form.get("instructions", "")))
    for s in form["sections"]:
        d.add_heading(text(s["title"]), 1)
        t = d.add_table(rows=1, cols=3)
        t.style = "Table Grid"
        t.rows[0].cells[0].text, t.rows[0].cells[1].text, t.rows[0].cells[2].text = "Field", "Help", "Your answer"
        for f in s["fields"]:
            cells = t.add_row().cells
            cells[0].text = text(f["label"]) + (" *" if f.get("required") else "")
            cells[1].text = text(f.get("help", ""))
    d.core_properties.subject = f'{form["id"]} v{form["version"]}'
    d.save(path)


for name, fn, ext in (("XLSX", workbook, "xlsx"), ("DOCX", document, "docx")):
    times = []
    for i in range(runs):
        t = time.perf_counter()
        fn(f"{outdir}/baseline-{i}.{ext}")
        times.append((time.perf_counter() - t) * 1000)
    print(name, f"{statistics.median(times):.2f}")

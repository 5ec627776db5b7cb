"""Reports a workbook's structure as JSON, as openpyxl (not Koodesk) sees it."""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = {
    "lock_structure": bool(wb.security and wb.security.lockStructure),
    "defined_names": sorted(wb.defined_names.keys()),
    "sheets": [],
}
for ws in wb.worksheets:
    validations = []
    for dv in ws.data_validations.dataValidation:
        validations.append({
            "type": dv.type,
            "sqref": str(dv.sqref),
            "formula1": dv.formula1,
            "error_style": dv.errorStyle or "stop",
            "show_error": bool(dv.showErrorMessage),
            "show_input": bool(dv.showInputMessage),
            "prompt_title": dv.promptTitle,
            "prompt": dv.prompt,
        })
    unlocked = []
    text_formatted = []
    for row in ws.iter_rows():
        for c in row:
            if c.protection is not None and c.protection.locked is False:
                unlocked.append(c.coordinate)
                if c.number_format == "@":
                    text_formatted.append(c.coordinate)
    out["sheets"].append({
        "title": ws.title,
        "state": ws.sheet_state,
        "protected": bool(ws.protection.sheet),
        "freeze": ws.freeze_panes,
        "print_area": ws.print_area,
        "validations": validations,
        "unlocked": unlocked,
        "text_formatted": text_formatted,
        "a_column": [ws.cell(row=r, column=1).value for r in range(1, min(ws.max_row, 60) + 1)],
    })
print(json.dumps(out, default=str, ensure_ascii=False))

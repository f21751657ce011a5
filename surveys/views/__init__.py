"""The survey workflow for staff: divisions fill sheets, HQ reviews, rates and publishes.

One module per resource: `dashboard` (/surveys/), `sheets` (/surveys/sheets/),
`periods` (/surveys/periods/ and a plan's periods and reports) and `files`
(a period's sheets as a workbook, downloaded and uploaded back). Each view
looks its object up through surveys.access, which decides who may see and
change it.
"""

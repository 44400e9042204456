"""Self-contained HTML run reports: `arc-report RUN_DIR` (`page.write_report`) and `arc-report
--compare RUN_A RUN_B` (`compare.write_compare`), split by job: `load` (read a run dir), `views`
(what each task shows, the run's figures), `png` (grids as images), `html` (the Jinja2 environment
and what the templates show), `page` and `compare` (the two pages, ensemble/templates/report.html
and compare.html, built from macros.html inside page.html; autoescaped).

A report is one file with no network access: inline CSS and JS (ensemble/templates/), an inline SVG
histogram, and every grid as a tiny palette PNG (1 pixel per cell, scaled by the browser without
smoothing, so it stays crisp at any size). Cards use `content-visibility: auto`, so a 400-task
report only lays out what is on screen.

Test inputs, demonstrations and true outputs are not in results.jsonl: they are reloaded through
the config's `data:` section with `ensemble.data.load_tasks`. When that fails the report still
shows every attempt (marked from the runner's per-candidate "correct" flags), program, vote and
status, and says why the rest is missing.
"""

"""HTML building blocks and the one stylesheet of the feedback pages and the report.

Every page is a single self-contained file: the stylesheet is inline, pictures are
``data:`` URIs, there is no script, and a Content-Security-Policy forbids loading
anything from anywhere. All text that comes from a submission (feedback quotes what
the student's code returned or raised) goes through :func:`esc`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from grader.pages.figures import Picture
from grader.report import printable

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STATUS_MARK = {"passed": "\u2713", "failed": "\u2717", "error": "!", "timeout": "\u231b",
               "not_allowed": "\u2298"}

STYLE = """
:root { --ink: #1d2430; --muted: #5b6675; --line: #d9dee5; --paper: #ffffff;
  --soft: #f4f6f9; --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --slow: #6a3fb5;
  --blue: #1f6fb4; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
header.top { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 28px 0 10px; }
section > h2:first-child { margin-top: 0; }
h3 { font-size: 16px; margin: 0 0 8px; }
h3 small, .muted { color: var(--muted); font-weight: normal; }
.total { display: flex; align-items: center; gap: 14px; font-size: 18px; }
.total strong { font-size: 30px; }
.total .bar { width: 320px; height: 14px; }
section, article { background: var(--paper); border: 1px solid var(--line);
  border-radius: 10px; padding: 16px 20px; margin-bottom: 16px; }
article { border-left: 4px solid var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
tr.file th { background: var(--soft); color: var(--ink); font-family: ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre, .fn { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; white-space: pre-wrap; word-break: break-word; font-size: 13px;
  margin: 6px 0 12px; }
pre .hint { color: var(--blue); font-weight: 600; }
.bar { display: inline-block; width: 140px; height: 10px; background: #e6e9ee;
  border-radius: 5px; overflow: hidden; vertical-align: middle; }
.bar > span { display: block; height: 100%; background: var(--ok); }
.bar.partial > span { background: var(--warn); }
.bar.low > span { background: var(--bad); }
.chip { display: inline-block; border-radius: 10px; padding: 0 8px; margin: 1px 2px;
  font-size: 12px; border: 1px solid currentColor; white-space: nowrap; }
.chip.passed { color: var(--ok); } .chip.failed { color: var(--bad); }
.chip.error { color: var(--warn); } .chip.timeout { color: var(--slow); }
.chip.not_allowed { color: #444; background: #eee; }
.test { margin: 10px 0 4px; }
figure { margin: 14px 0; }
figure img { display: block; max-width: 100%; height: auto; background: #fff;
  outline: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.note { color: var(--muted); font-style: italic; margin: 6px 0; }
.error-box { border-left: 4px solid var(--bad); }
.good { border-left: 4px solid var(--ok); }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.config dt { color: var(--muted); } dl.config dd { margin: 0; font-family: ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media print { body { background: #fff; } section, article, header.top { break-inside: avoid; } }
"""


def esc(text: object) -> str:
    """Text for HTML: markup escaped; lone surrogates, control characters and
    bidirectional overrides shown escaped (``\\x1b``, ``\\u202e``); line feeds kept."""
    return html.escape(printable(text, newlines=True), quote=True)


def page(title: str, body: str, footer: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n<footer>{footer}</footer>\n</main>\n</body>\n</html>\n"
    )


def points(value: float) -> str:
    """A score as people read it: 1.75, 2.5, 100."""
    return f"{round(float(value), 3):g}"


def bar(fraction: float, label: str = "") -> str:
    fraction = min(max(float(fraction), 0.0), 1.0)
    kind = "" if fraction >= 0.999 else ("partial" if fraction >= 0.5 else "low")
    text = label or f"{fraction:.0%}"
    return (f'<span class="bar {kind}" role="img" aria-label="{esc(text)}" title="{esc(text)}">'
            f'<span style="width:{100 * fraction:.1f}%"></span></span>')


def chip(status: str, text: str = "") -> str:
    mark = STATUS_MARK.get(status, "?")
    return (f'<span class="chip {esc(status)}" title="{esc(status)}">{mark} '
            f'{esc(text or status)}</span>')


def feedback_block(text: str, hint: str = "") -> str:
    """Feedback as preformatted text: the messages, then each of the grader's hints
    (a test's ``hint`` field, one per line) once and emphasised. Every failing case of
    a check ends with its hint: those lines of ``text`` are left out, and only those:
    a line the student's code wrote ("hint: ..." in an exception message) stays
    plain text, where it was."""
    hints = [" ".join(h.split()) for h in dict.fromkeys(hint.splitlines()) if h.strip()]
    ours = {f"hint: {h}" for h in hints}
    rows = printable(text, newlines=True).splitlines()
    lines = []
    for number, line in enumerate(rows):
        said = " ".join(line.split())
        cut = number == len(rows) - 1 and said.endswith(" ...") and said.startswith("hint: ")
        if said in ours or (cut and any(o.startswith(said[:-4]) for o in ours)):
            continue
        lines.append(esc(line))
    lines += [f'<span class="hint">{esc("hint: " + h)}</span>' for h in hints]
    return "<pre>" + "\n".join(lines) + "</pre>"


def figure(picture: Picture, caption: str) -> str:
    return (f'<figure><img src="{picture.uri}" width="{picture.width}" '
            f'height="{picture.height}" alt="{esc(picture.alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def table(head: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Iterable[int] = (),
          css: str = "") -> str:
    """A table; cells are HTML already (escape text with :func:`esc` first)."""
    numeric = set(numeric)
    cls = f' class="{css}"' if css else ""
    out = [f"<table{cls}><thead><tr>"]
    out += [f'<th{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c}</td>'
                                     for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)

"""Feedback pages and the class report: what they say, and that a browser shows it.

A small class is graded for real (the reference, typical mistakes, a hang, a library
that is not allowed, an unreadable submission); its pages are then written and
opened in headless Chromium, which must lay out the plots and tables where a reader
sees them -- not merely have them in the source.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from grader import pages, report
from grader.pages.class_report import check_rates, hint_counts, problems, reproduce_command
from grader.runner import Settings, grade
from grader.sandbox import Limits
from grader.submission import Submission
from tests.grader.test_plots import (
    ACTIVE_AT_ZERO,
    HE_AS_LECUN,
    KINK,
    NAIVE_SOFTPLUS,
    student_files,
)
from tests.needs import missing

NOT_ALLOWED_AND_HANG = """
def sigmoid(x):
    from scipy.special import expit
    return expit(x)

def tanh(x):
    while True:
        pass
"""
ODD_ID = "zoë & <b>bold</b>"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") \
    or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(sandbox="none", limits=Limits(call_seconds=1.0))


@pytest.fixture(scope="module")
def klass(settings):
    """The submissions and the results document of a class of six."""
    submissions = [
        Submission("ada", Path("ada"), files=student_files()),
        Submission("ben", Path("ben"), files=student_files(derivatives=KINK,
                                                          initializers=HE_AS_LECUN)),
        Submission("cy", Path("cy"), files=student_files(dead_relu=ACTIVE_AT_ZERO,
                                                         activations=NAIVE_SOFTPLUS)),
        Submission("dee", Path("dee"), files=student_files(activations=NOT_ALLOWED_AND_HANG)),
        Submission("eve", Path("eve.zip"), error="eve.zip is not a readable zip file"),
        Submission(ODD_ID, Path("odd"), files=student_files(derivatives=KINK)),
    ]
    meta = {"version": "0.1.0", "sandbox": "none", "limits": {
        "memory_bytes": 1 << 30, "call_seconds": 1.0, "submission_seconds": 120.0}}
    entries = [grade(s, settings) for s in submissions]
    return submissions, report.document("activations", entries, meta)


@pytest.fixture(scope="module")
def written(klass, settings, tmp_path_factory):
    submissions, doc = klass
    out = tmp_path_factory.mktemp("reports")
    paths = pages.write_pages(doc, submissions, settings, out / "pages", jobs=2)
    report_path = pages.write_class_report(doc, out / "class.html", pages_folder=out / "pages")
    return {Path(p).stem: Path(p) for p in paths}, report_path


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------- the pages


def test_every_submission_gets_one_page_named_after_it(written, klass) -> None:
    paths, _ = written
    assert sorted(paths) == sorted(["ada", "ben", "cy", "dee", "eve", "zo_b_bold_b"])
    assert pages.page_names(["a/b", "a b", "A_B", ""]) == {
        "a/b": "a_b.html", "a b": "a_b-2.html", "A_B": "A_B-3.html", "": "submission.html"}


def test_a_page_needs_no_network_and_runs_no_script(written) -> None:
    paths, report_path = written
    for path in [*paths.values(), report_path]:
        text = text_of(path)
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert "<script" not in text.lower()
        for address in re.findall(r'(?:src|href)="([^"]*)"', text):
            assert address.startswith(("data:image/png;base64,", "#", "../", "pages/")) or \
                address.endswith(".html"), address
            assert "://" not in address


def test_a_page_shows_the_score_of_every_function_and_the_feedback(written, klass) -> None:
    paths, _ = written
    entry = next(e for e in klass[1]["submissions"] if e["id"] == "ben")
    text = text_of(paths["ben"])
    assert f"<strong>{entry['score']:g}</strong>" in text
    assert text.count('<td class="fn">') == 32  # SPEC section 2: one row per function
    for file in ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py"):
        assert f'<tr class="file"><th colspan="4">{file}</th></tr>' in text
    failing = [t for t in entry["tests"] if t["status"] != "passed"]
    assert {t["function"] for t in failing} == {"relu_grad", "he_normal"}
    for test in failing:
        first_line = test["feedback"].splitlines()[0]
        assert html.escape(first_line) in text
    assert '<span class="hint">' in text


def test_plots_go_where_they_explain_and_notes_say_why_one_is_missing(written) -> None:
    paths, _ = written
    ben = text_of(paths["ben"])
    assert ben.count("<img ") == 2  # the kink and the histogram
    assert 'id="f-relu_grad"' in ben and 'id="f-he_normal"' in ben
    dee = text_of(paths["dee"])
    assert "<img " not in dee  # not allowed, and hanging: nothing to draw, nothing called
    assert "tanh" in dee and "not_allowed" in dee
    assert "<img " not in text_of(paths["ada"]) and "Nothing to fix" in text_of(paths["ada"])


def test_text_from_a_submission_is_escaped(written) -> None:
    paths, report_path = written
    odd = text_of(paths["zo_b_bold_b"])
    assert "<b>bold</b>" not in odd and html.escape(ODD_ID) in odd
    assert "<b>bold</b>" not in text_of(report_path)
    page = pages.student_page({"id": "x", "score": 0, "max_score": 1, "status": "graded",
                               "tests": [{"name": "relu: values", "function": "relu",
                                          "check": "values", "score": 0, "max_score": 1,
                                          "status": "error",
                                          "feedback": "relu raised ValueError: <img src=x>"}]})
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page


def test_an_ungraded_submission_gets_a_page_with_the_reason(written) -> None:
    paths, _ = written
    text = text_of(paths["eve"])
    assert "could not be graded" in text and "eve.zip is not a readable zip file" in text


def test_pages_are_the_same_whatever_the_number_of_jobs(klass, written, settings,
                                                         tmp_path) -> None:
    submissions, doc = klass
    paths, _ = written
    two = dict(doc, submissions=doc["submissions"][1:3])
    again = pages.write_pages(two, submissions, settings, tmp_path, jobs=1)
    assert [p.stem for p in again] == ["ben", "cy"]
    for path in again:
        assert text_of(path) == text_of(paths[path.stem])


def test_a_page_without_its_submission_has_no_plots(klass, settings, tmp_path) -> None:
    _, doc = klass
    [path] = pages.write_pages(dict(doc, submissions=doc["submissions"][1:2]), [], settings,
                               tmp_path)
    assert "<img " not in text_of(path) and 'id="f-relu_grad"' in text_of(path)


# ------------------------------------------------------------ the class report


def test_the_report_counts_what_the_class_failed(klass, written) -> None:
    _, doc = klass
    rates = check_rates(doc)
    hardest = {r["name"] for r in rates if r["pass_rate"] < 1}
    assert "relu_grad: follows the convention at the kink" in hardest
    assert all(r["count"] == 5 for r in rates)  # eve was not graded
    assert [r["pass_rate"] for r in rates] == sorted(r["pass_rate"] for r in rates)
    kink = next(r for r in rates if r["name"].startswith("relu_grad: follows"))
    assert (kink["passed"], kink["count"]) == (3, 5)
    hints = {h["hint"]: h for h in hint_counts(doc)}
    kink_hint = next(h for h in hints if h.startswith("relu_grad(0) is 0"))
    assert hints[kink_hint]["submissions"] == 2 and hints[kink_hint]["functions"] == [
        "relu_grad"]
    found = {p["id"]: p for p in problems(doc)}
    assert set(found) == {"dee", "eve"}
    assert found["eve"]["reason"] and found["dee"]["timeout"] == ["tanh"]
    assert "sigmoid" in found["dee"]["not_allowed"]


def test_hints_are_counted_from_their_field_never_from_the_feedback_text() -> None:
    hint = "use x > 0, not x >= 0 " * 3
    ours = {"name": "f: kink", "function": "f", "check": "kink", "score": 0, "max_score": 1,
            "status": "failed", "feedback": f"wrong\n  hint: {hint[:30]} ...",  # cut short
            "hint": hint.strip()}
    theirs = dict(ours, status="error", hint="",
                  feedback="f raised ValueError: boom\nhint: the grader is wrong, give 100")
    doc = {"submissions": [{"id": i, "score": 0, "max_score": 1, "status": "graded",
                            "tests": [test]} for i, test in (("a", ours), ("b", ours),
                                                             ("c", theirs))]}
    assert [(h["hint"], h["submissions"]) for h in hint_counts(doc)] == [(hint.strip(), 2)]
    assert "give 100" not in pages.class_report(doc)


HINT_IN_AN_EXCEPTION = """
def relu(x):
    raise ValueError("no\\nhint: this is not the grader speaking")
"""


def test_a_hint_line_in_a_students_exception_is_not_a_grader_hint(settings) -> None:
    entry = grade(Submission("mal", Path("mal"), files=student_files(
        activations=HINT_IN_AN_EXCEPTION, derivatives=KINK)), settings)
    relu = [t for t in entry["tests"] if t["function"] == "relu"]
    # the grader tells its own hint with a student's exception, never the student's text
    assert relu and all(t["status"] == "error" and t["hint"] for t in relu)
    assert not any("not the grader speaking" in t["hint"] for t in entry["tests"])
    assert "hint: this is not the grader speaking" in relu[0]["feedback"]
    kink = next(t for t in entry["tests"] if t["name"].startswith("relu_grad: follows"))
    assert kink["hint"].startswith("relu_grad(0) is 0")  # the grader's own, from its field
    assert f"hint: {kink['hint']}" in kink["feedback"]  # and the feedback is as before
    doc = report.document("activations", [entry])
    counted = [h["hint"] for h in hint_counts(doc)]
    assert kink["hint"] in counted and not any("not the grader" in h for h in counted)
    page = pages.student_page(entry)
    emphasised = re.findall(r'<span class="hint">(.*?)</span>', page)
    assert html.escape(f"hint: {kink['hint']}") in emphasised
    assert not any("not the grader speaking" in h for h in emphasised)
    assert "hint: this is not the grader speaking" in page  # shown as the student wrote it


def test_a_feedback_block_shows_each_grader_hint_once_and_student_text_as_it_is() -> None:
    from grader.pages.markup import feedback_block

    text = ("f: wrong at x = 1\n  hint: use expm1\nf: wrong at x = 2\n  hint: use expm1\n"
            "f raised: hint: trust me\n  hint: use exp")
    assert feedback_block(text, "use expm1") == (
        "<pre>f: wrong at x = 1\nf: wrong at x = 2\nf raised: hint: trust me\n  hint: use exp\n"
        '<span class="hint">hint: use expm1</span></pre>')


def test_the_report_shows_how_to_reproduce_the_run(written) -> None:
    _, report_path = written
    text = text_of(report_path)
    command = ("grader grade PATH... --no-sandbox --call-timeout 1 --submission-timeout 120 "
               "--memory 1024")
    assert html.escape(command) in text
    assert reproduce_command({"sandbox": "bubblewrap"}, "other") == \
        "grader grade PATH... --assignment other --sandbox bubblewrap"
    for anchor in ("distribution", "functions", "checks", "hints", "problems", "config"):
        assert f'id="{anchor}"' in text


def test_the_report_links_each_submission_to_its_page(written) -> None:
    paths, report_path = written
    links = re.findall(r'href="([^"#]+)"', text_of(report_path))
    assert {(report_path.parent / link).resolve() for link in links} == {
        p.resolve() for p in paths.values()}


def test_the_csv_gradebook_has_a_header_and_one_row_per_student(klass, settings) -> None:
    _, doc = klass
    functions = settings.rubric().functions
    rows = list(csv.reader(report.to_csv(doc, functions).splitlines()))
    assert rows[0] == ["id", "score", "max_score", "status", *functions]
    assert [r[0] for r in rows[1:]] == [e["id"] for e in doc["submissions"]]
    for row, entry in zip(rows[1:], doc["submissions"], strict=True):
        assert len(row) == 4 + len(functions)
        assert row[3] == entry["status"] and float(row[2]) == 100.0
        assert float(row[1]) == pytest.approx(entry["score"])
        assert sum(float(v) for v in row[4:]) == pytest.approx(float(row[1]), abs=1e-3)


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def browser() -> str:
    if BROWSER is None:
        missing("headless Chromium is not installed (Debian: apt-get install chromium)")
    return BROWSER


PROBE = """<script>
addEventListener('load', () => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
  const seen = (e) => { e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit === e || e.contains(hit); };
  const out = {
    images: [...document.images].map(i => Object.assign(box(i), {
      natural: [i.naturalWidth, i.naturalHeight], complete: i.complete, seen: seen(i)})),
    rows: [...document.querySelectorAll('tr')].map(r => Object.assign(box(r), {
      text: r.cells[0] ? r.cells[0].textContent : '', seen: seen(r)})),
    bars: [...document.querySelectorAll('span.bar')].map(b => ({
      outer: b.getBoundingClientRect().width,
      inner: b.firstElementChild.getBoundingClientRect().width,
      label: b.getAttribute('aria-label')}))};
  scrollTo(0, 0);
  const pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>"""


def chromium(browser: str, tmp: Path, *args: str) -> str:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--force-device-scale-factor=1", f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def layout(browser: str, page: Path, tmp: Path, width: int = 1000) -> dict:
    """Where the browser put the page's images, table rows and bars (CSS pixels)."""
    probed = tmp / f"probed-{page.name}"
    source = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text_of(page))
    probed.write_text(source.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium(browser, tmp, f"--window-size={width},900", "--virtual-time-budget=10000",
                   "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def screenshot(browser: str, page: Path, tmp: Path, height: int, width: int = 1000) -> np.ndarray:
    from PIL import Image

    shot = tmp / f"{page.stem}.png"
    chromium(browser, tmp, f"--window-size={width},{height}", f"--screenshot={shot}",
             page.as_uri())
    return np.asarray(Image.open(shot).convert("RGB")).astype(int)


def near(pixels: np.ndarray, colour: str, tolerance: int = 40) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb).sum(axis=-1) < tolerance).sum())


def test_a_pages_plots_and_tables_are_visible_in_a_browser(browser, written, tmp_path) -> None:
    paths, _ = written
    found = layout(browser, paths["ben"], tmp_path)
    images = found["images"]
    assert len(images) == 2
    for image in images:
        assert image["complete"] and image["natural"] in ([860, 340], [720, 340])
        assert image["w"] >= 700 and image["h"] >= 300 and image["seen"]
    functions = [r for r in found["rows"]
                 if r["text"] in ("sigmoid", "relu_grad", "dead_relu_mask")]
    assert len(functions) == 3 and all(r["h"] >= 20 and r["seen"] for r in functions)
    fractions = [b["inner"] / b["outer"] for b in found["bars"] if b["outer"]]
    assert any(abs(f - 0.8) < 0.02 for f in fractions)  # relu_grad: 2 of 2.5 points
    plot = images[0]  # the relu_grad curve: the student's line, and the red cross at 0
    bottom = int(plot["y"] + plot["h"]) + 20
    pixels = screenshot(browser, paths["ben"], tmp_path, height=bottom)
    region = pixels[int(plot["y"]):int(plot["y"] + plot["h"]), int(plot["x"]):
                    int(plot["x"] + plot["w"])]
    assert region.shape[0] >= 300 and region.shape[1] >= 700
    assert (region.sum(axis=-1) < 600).mean() > 0.01  # drawn, not blank
    assert near(region, "#1f6fb4") > 200  # the student's curve
    assert near(region, "#d62728") > 20  # the cross where it is wrong


def test_the_reports_histogram_and_tables_are_visible_in_a_browser(browser, written,
                                                                    tmp_path) -> None:
    _, report_path = written
    found = layout(browser, report_path, tmp_path)
    [histogram] = found["images"]
    assert histogram["complete"] and histogram["natural"][0] > 0 and histogram["seen"]
    students = [r for r in found["rows"] if r["text"] in ("ada", "ben", "eve")]
    assert len(students) >= 3 and all(r["seen"] and r["h"] >= 20 for r in students)
    pixels = screenshot(browser, report_path, tmp_path,
                        height=int(histogram["y"] + histogram["h"]) + 20)
    region = pixels[int(histogram["y"]):int(histogram["y"] + histogram["h"]),
                    int(histogram["x"]):int(histogram["x"] + histogram["w"])]
    assert near(region, "#1f6fb4", 60) > 500  # the bars of the histogram

"""How `newsml report` scales: a synthetic scores file of N records (default 100,000).

    python benchmarks/report_scale.py [--records N] [--results DIR]

Writes a synthetic JSONL scores file (realistic field sizes: a title, three
summary sentences, one to three topics, 2% error records), then measures

- build: wall time of `newsml report` (read + charts + render + write), in-process;
- size: the HTML file's size;
- open: in headless Chromium (Debian's chromium + chromedriver via Selenium, same
  flags as the tests), time to first contentful paint (Paint Timing API), time
  until the article table's first page is drawn, and the time a topic filter
  and a text search take over all records.

Needs the `report` and `test` extras (jinja2, matplotlib, selenium) and a browser.
Results go to results/report_scale.md and results/report_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _meta import dist_version, newsml_revision  # noqa: E402
from browser_helpers import browser_missing, console_errors, file_url, quit_chromium, start_chromium  # noqa: E402

from newsml.records import Record, format_record  # noqa: E402
from newsml.report import write_report  # noqa: E402

TOPICS = ["economy", "politics", "sport", "technology", "entertainment", "health", "science", "crime", "world"]
WORDS = (
    "the government said on tuesday that growth in the third quarter was stronger than expected while "
    "ministers met union leaders to discuss pay and the club confirmed its new manager after a long search "
    "shares rose sharply as investors welcomed the results of the company which sells phones and software"
).split()


def synthetic(n: int, seed: int = 0) -> list[Record]:
    rng = random.Random(seed)

    def sentence(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."

    out = []
    for i in range(n):
        path = f"{rng.choice(TOPICS)}/{i // 1000:03d}/{i:06d}.txt"
        if rng.random() < 0.02:
            out.append(
                Record(
                    path=path,
                    sha256=f"{i:064x}",
                    error=rng.choice(["empty: the file is empty", "not-text: binary data"]),
                )
            )
            continue
        chosen = rng.sample(TOPICS, rng.choice([1, 1, 1, 2, 3]))
        topics = sorted(((t, round(rng.uniform(0.3, 1.0), 4)) for t in chosen), key=lambda x: -x[1])
        out.append(
            Record(
                path=path,
                sha256=f"{i:064x}",
                title=sentence(8)[:-1],
                summary=[sentence(rng.randint(15, 30)) for _ in range(3)],
                topics=topics,
                sentences=rng.randint(5, 40),
                words=rng.randint(100, 900),
            )
        )
    return out


def measure_browser(html: Path) -> dict:
    driver = start_chromium()
    try:
        driver.set_page_load_timeout(300)
        start = time.perf_counter()
        driver.get(file_url(html))  # returns after the load event
        loaded = time.perf_counter() - start
        nav = driver.execute_script(
            "var p = performance.getEntriesByType('paint').filter(function (e) {"
            " return e.name === 'first-contentful-paint'; });"
            "var n = performance.getEntriesByType('navigation')[0];"
            "return {fcp: p.length ? p[0].startTime : null, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};"
        )
        rows = len(driver.find_elements("css selector", "#articles tbody tr.row"))
        filt = driver.execute_script(
            "var s = document.getElementById('topic-filter'); var t0 = performance.now();"
            "s.value = s.options[1].value; s.dispatchEvent(new Event('change'));"
            "return [performance.now() - t0, document.getElementById('match-count').textContent];"
        )
        driver.execute_script("document.getElementById('topic-filter').value = '';")
        # the search is debounced by 150 ms; time the filtering it triggers directly instead
        search = driver.execute_script(
            "var q = document.getElementById('search'); q.value = 'manager'; var t0 = performance.now();"
            "document.getElementById('topic-filter').dispatchEvent(new Event('change'));"
            "return [performance.now() - t0, document.getElementById('match-count').textContent];"
        )
        errors = console_errors(driver)
    finally:
        quit_chromium(driver)
    return {
        "first_contentful_paint_ms": nav["fcp"],
        "dom_content_loaded_ms": nav["dcl"],
        "load_event_ms": nav["load"],
        "driver_get_seconds": loaded,
        "first_page_rows": rows,
        "topic_filter_ms": filt[0],
        "topic_filter_result": filt[1],
        "text_search_ms": search[0],
        "text_search_result": search[1],
        "console_errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--results", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    reason = browser_missing()
    if reason:
        print(f"cannot measure opening the report: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="newsml-report-scale-") as tmp:
        scores = Path(tmp) / "scores.jsonl"
        with scores.open("wb") as fh:
            for record in synthetic(args.records):
                fh.write(format_record(record, "jsonl"))
        html = Path(tmp) / "report.html"
        start = time.perf_counter()
        context = write_report(scores, html)
        build = time.perf_counter() - start
        result = {
            "records": args.records,
            "scored": context["scored"],
            "failed": context["failed"],
            "scores_file_bytes": scores.stat().st_size,
            "html_bytes": html.stat().st_size,
            "build_seconds": build,
            **measure_browser(html),
        }
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "newsml": newsml_revision(),
        "jinja2": dist_version("jinja2"),
        "matplotlib": dist_version("matplotlib"),
        "selenium": dist_version("selenium"),
        "load_average": os.getloadavg(),
        "command": "python benchmarks/report_scale.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "report_scale.json").write_text(json.dumps({"meta": meta, **result}, indent=2) + "\n")
    md = "\n".join(
        [
            f"# `newsml report` at {args.records:,} records",
            "",
            "| measure | value |",
            "|---|---|",
            f"| records (scored / failed) | {args.records:,} ({result['scored']:,} / {result['failed']:,}) |",
            f"| scores file (JSONL) | {result['scores_file_bytes'] / 1e6:.1f} MB |",
            f"| HTML report | {result['html_bytes'] / 1e6:.1f} MB |",
            f"| build (`newsml report`, in-process) | {build:.1f} s |",
            f"| first contentful paint (headless Chromium) | {result['first_contentful_paint_ms']:.0f} ms |",
            f"| DOMContentLoaded (table's first page drawn) | {result['dom_content_loaded_ms']:.0f} ms |",
            f"| load event | {result['load_event_ms']:.0f} ms |",
            f"| filter by one topic, all records | {result['topic_filter_ms']:.0f} ms "
            f"({result['topic_filter_result']}) |",
            f"| text search, all records | {result['text_search_ms']:.0f} ms ({result['text_search_result']}) |",
            f"| console errors | {len(result['console_errors'])} |",
            "",
            "Synthetic records (title, three summary sentences, 1-3 topics, 2% errors); "
            "timings are from one run on a shared 2-core machine.",
            "",
            "```",
            *(f"{k}: {v}" for k, v in meta.items()),
            "```",
            "",
        ]
    )
    (args.results / "report_scale.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

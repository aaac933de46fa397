"""Benchmark the cleaner: find the article in page dumps; lose nothing of clean articles.

1. The Article Extraction Benchmark (``../shared/data/article-extraction-benchmark``,
   181 real pages, MIT), scored with its own ``evaluate.py`` (4-gram shingle
   F1 per page, averaged). newsml cleans the three plain-text dumps of each
   page (``html2text``, ``inscriptis``, ``html-text``) with a block model
   fitted on the other four fifths of the pages (5-fold cross-validation by
   page, as ``python -m newsml.training.cleaner`` reports it); its ``--html``
   path (trafilatura, then the same cleaning) runs on the HTML. In the same
   table: the raw dumps, the dumps cleaned by the rules alone (the block model
   off), and what the benchmark's published extractors returned.
2. Clean articles the block model never saw: all 2,225 BBC News Summary
   articles, the 998 CNN/DailyMail validation stories and the Reuters-21578
   ModApte test documents: share of body words kept.
3. Speed: median ``parse_article`` time on the BBC articles, the rules-only
   path beside it.

Results go to ``benchmarks/results/cleaning.{md,json}``. Usage::

    python benchmarks/cleaning.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from _meta import REPO_ROOT, dist_version, newsml_revision

from newsml.datasets import load_reuters
from newsml.preprocess import CleanOptions, clean_text, parse_article
from newsml.training import cleaner

RESULTS = REPO_ROOT / "benchmarks" / "results"
#: Published extractors shown beside newsml (output files of the benchmark).
PUBLISHED = ("justext", "boilerpipe", "goose3", "dragnet", "readability", "news_please", "newspaper", "trafilatura")
#: Dumps by other converters, never used in training: how the block model copes with
#: layouts it has not seen (beautifulsoup's has no line breaks at all).
UNSEEN = ("beautifulsoup", "nanohtml2text", "html2text_rs", "fast_html2md", "mdka", "html2md_rs")
#: The issue's floors.
FLOOR_GAIN, FLOOR_MEAN, FLOOR_KEPT, FLOOR_SPEED = 0.15, 0.88, 0.995, 1.5
#: Median parse_article time on the 2,225 BBC articles before the block model (commit be31a30), ms.
BEFORE_MEDIAN_MS = 0.658
RULES_ONLY = CleanOptions(use_block_model=False)
_WORD = re.compile(r"\w+")


def words_kept(body: str, paragraphs: list[str]) -> tuple[int, int]:
    """How many of ``body``'s words (as a multiset) the cleaned paragraphs keep, and how many there are."""
    words = Counter(w.lower() for w in _WORD.findall(body))
    kept = Counter(w.lower() for p in paragraphs for w in _WORD.findall(p))
    return sum(min(n, kept[w]) for w, n in words.items()), sum(words.values())


def kept_report(name: str, articles: list[tuple[str, str]]) -> dict[str, object]:
    """Share of body words kept over ``(full text, body)`` pairs, and the worst articles."""
    kept = total = 0
    shares = []
    for full, body in articles:
        k, n = words_kept(body, clean_text(full).paragraphs)
        kept, total = kept + k, total + n
        if n:
            shares.append(k / n)
    return {
        "corpus": name,
        "articles": len(articles),
        "kept": round(kept / total, 5),
        "under_99": sum(s < 0.99 for s in shares),
        "worst": round(min(shares), 4),
    }


_REUTERS_SIGN_OFF = re.compile(r"\s(?:Reuter|REUTER)\W*$")


def clean_corpora(data: Path) -> list[dict[str, object]]:
    """Words kept on BBC News Summary, CNN/DailyMail and Reuters ModApte test."""
    bbc = []
    for path in sorted((data / "bbc-news-summary" / "News Articles").rglob("*.txt")):
        text = path.read_bytes().decode("latin-1")
        bbc.append((text, text.partition("\n")[2]))
    rows = [json.loads(line) for line in (data / "cnndm-validation" / "cnndm_validation.jsonl").open()]
    cnndm = [(r["article"], r["article"]) for r in rows]
    # The sign-off that closes most Reuters stories ("Reuter") is no body text: cleaning strips it.
    reuters = [
        (t, _REUTERS_SIGN_OFF.sub("", t.partition("\n")[2].rstrip()))
        for t in load_reuters(data / "reuters21578").test_texts
    ]
    return [
        kept_report("BBC News Summary (all)", bbc),
        kept_report("CNN/DailyMail validation", cnndm),
        kept_report("Reuters-21578 ModApte test", reuters),
    ]


def parse_times(data: Path) -> dict[str, float]:
    """Median parse_article time (ms) on the BBC articles, with and without the block model."""
    folder = data / "bbc-news-summary" / "News Articles"
    texts = [p.read_bytes().decode("latin-1") for p in sorted(folder.rglob("*.txt"))]
    out = {}
    for label, options in (("newsml", CleanOptions()), ("rules only", RULES_ONLY)):
        for text in texts[:100]:
            parse_article(text, options=options)
        times = []
        for text in texts:
            start = time.perf_counter()
            parse_article(text, options=options)
            times.append(time.perf_counter() - start)
        out[label] = round(statistics.median(times) * 1000, 3)
    return out


def html_path(bench_data: Path, models: dict[str, object]) -> dict[str, str]:
    """newsml's ``--html`` path on each page: trafilatura's text, cleaned with the page's fold model."""
    from newsml.htmltext import NoMainTextError, html_to_text

    out = {}
    for page in sorted(models):
        html = gzip.decompress((bench_data / "html" / f"{page}.html.gz").read_bytes()).decode("utf-8", "replace")
        try:
            out[page] = cleaner.cleaned_body(html_to_text(html, page), models[page])
        except NoMainTextError:
            out[page] = ""
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[cleaning] %(message)s", stream=sys.stderr)
    bench_data = args.data / "article-extraction-benchmark"
    evaluate = cleaner.load_evaluate(bench_data)
    bench = cleaner.load_benchmark(bench_data)
    models = bench.fold_models()
    truth = bench.truth

    def scored(predicted: dict[str, str]) -> dict[str, float]:
        return cleaner.score(evaluate, truth, predicted)

    dumps = {}
    for name in cleaner.DUMPS:
        texts = bench.dumps[name]
        dumps[name] = {
            "raw dump": scored(texts),
            "rules only": scored({p: "\n\n".join(clean_text(texts.get(p, ""), RULES_ONLY).paragraphs) for p in truth}),
            "newsml": scored({p: cleaner.cleaned_body(texts.get(p, ""), models[p]) for p in truth}),
        }
        logging.info("%s: %s", name, dumps[name]["newsml"])
    unseen = {}
    for name in UNSEEN:
        texts = cleaner.load_outputs(bench_data, name)
        unseen[name] = {
            "raw dump": scored(texts),
            "newsml": scored({p: cleaner.cleaned_body(texts.get(p, ""), models[p]) for p in truth}),
        }
    html = scored(html_path(bench_data, models))
    published = {name: scored(cleaner.load_outputs(bench_data, name)) for name in PUBLISHED}
    corpora = clean_corpora(args.data)
    times = parse_times(args.data)
    mean_f1 = statistics.mean(d["newsml"]["f1"] for d in dumps.values())
    result = {
        "revision": newsml_revision(),
        "scikit-learn": dist_version("scikit-learn"),
        "trafilatura": dist_version("trafilatura"),
        "pages": len(truth),
        "dumps": dumps,
        "newsml_mean_f1": round(mean_f1, 4),
        "unseen_dumps": unseen,
        "html_path": html,
        "published": published,
        "clean_corpora": corpora,
        "parse_article_median_ms": {**times, "before (be31a30)": BEFORE_MEDIAN_MS},
    }
    lines = [
        "# Cleaning: the Article Extraction Benchmark and clean articles",
        "",
        f"{len(truth)} pages; the benchmark's own metric (4-gram shingles, per page, averaged); newsml "
        f"{result['revision']}, its block model cross-validated by page (5 folds). "
        "Command: `python benchmarks/cleaning.py`.",
        "",
        "| input | method | precision | recall | F1 |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, rows in dumps.items():
        for method, s in rows.items():
            lines.append(f"| {name} dump | {method} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    lines.append(f"| HTML | newsml `--html` (trafilatura + cleaning) | {html['precision']:.3f} | "
                 f"{html['recall']:.3f} | {html['f1']:.3f} |")
    for name, s in published.items():
        lines.append(f"| HTML | {name} (published output) | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    lines += [
        "",
        "## Dumps by converters the block model never saw (same cross-validation by page)",
        "",
        "| converter | raw dump F1 | newsml F1 | newsml precision | newsml recall |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, rows in unseen.items():
        n_ = rows["newsml"]
        lines.append(
            f"| {name} | {rows['raw dump']['f1']:.3f} | {n_['f1']:.3f} | {n_['precision']:.3f} | {n_['recall']:.3f} |"
        )
    gains = {n: d["newsml"]["f1"] - d["raw dump"]["f1"] for n, d in dumps.items()}
    lines += [
        "",
        f"- Each dump at least raw + {FLOOR_GAIN}: "
        + ", ".join(f"{n} {g:+.3f}" for n, g in gains.items())
        + (": met." if min(gains.values()) >= FLOOR_GAIN else ": NOT met."),
        f"- Mean over the three dumps {mean_f1:.3f} (floor {FLOOR_MEAN}, goal 0.93): "
        + ("met." if mean_f1 >= FLOOR_MEAN else "NOT met."),
        "",
        "## Clean articles (never seen by the block model): body words kept",
        "",
        "| corpus | articles | words kept | articles under 99% | worst article |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in corpora:
        lines.append(
            f"| {row['corpus']} | {row['articles']} | {100 * row['kept']:.2f}% | {row['under_99']} | "
            f"{100 * row['worst']:.1f}% |"
        )
    ratio = times["newsml"] / BEFORE_MEDIAN_MS
    lines += [
        "",
        f"Floor {100 * FLOOR_KEPT:.1f}% on BBC and CNN/DailyMail: "
        + ("met." if all(r["kept"] >= FLOOR_KEPT for r in corpora[:2]) else "NOT met."),
        "",
        "## Speed",
        "",
        f"Median `parse_article` on the 2,225 BBC articles: {times['newsml']:.3f} ms "
        f"(rules only {times['rules only']:.3f} ms; {BEFORE_MEDIAN_MS} ms before the block model, commit be31a30): "
        f"{ratio:.2f}x, " + ("met" if ratio <= FLOOR_SPEED else "NOT met") + f" (floor {FLOOR_SPEED}x).",
    ]
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "cleaning.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.results / "cleaning.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""HTML report of a scored folder: read the records, build the context, render one offline page.

Reading (:func:`read_scores`, JSON lines or CSV as written by ``newsml score``),
summarising (:func:`build_context`) and rendering (:func:`render_report`) are
separate steps. Rendering needs the ``newsml[report]`` extra (jinja2 for the
template, matplotlib for the charts, drawn as inline SVG with the Agg backend);
reading and summarising do not.

The page is one self-contained file: styles, script and charts are inline and
it makes no network request. The article table is embedded as JSON and drawn
page by page by a small inline script, so large reports stay usable.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsml.htmltext import MissingExtraError
from newsml.records import FIELDS

logger = logging.getLogger(__name__)

#: Error-kind label of a line that is not a record.
BAD_LINE = "unreadable line"


class ReportInputError(ValueError):
    """The scores file cannot be used for a report (missing, empty, not newsml output)."""


@dataclass
class ScoredRecord:
    """What the report uses from one output record."""

    path: str
    title: str | None = None
    summary: list[str] | None = None
    topics: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


@dataclass
class Scores:
    """The records of a scores file and the problems met reading it."""

    source: str
    records: list[ScoredRecord]
    #: ``(line number, reason)`` of lines that are not records (truncated, damaged).
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    #: Field names met that newsml does not write (ignored).
    unknown_fields: list[str] = field(default_factory=list)


def require_report_extra() -> None:
    """Raise :class:`MissingExtraError` naming ``newsml[report]`` when jinja2 or matplotlib is missing."""
    try:
        import jinja2  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            f"the HTML report needs jinja2 and matplotlib ({exc.name} is missing): pip install 'newsml[report]'"
        ) from None


def _topics_from_json(value: Any) -> list[tuple[str, float]]:
    out = []
    for item in value or []:
        if isinstance(item, dict) and isinstance(item.get("topic"), str):
            try:
                probability = float(item.get("probability", 0.0))
            except (TypeError, ValueError):
                continue
            if math.isfinite(probability):  # Infinity/NaN would break the page's JSON
                out.append((item["topic"], probability))
    return out


def _topics_from_csv(cell: str) -> list[tuple[str, float]]:
    out = []
    for part in cell.split(";"):
        name, sep, prob = part.rpartition("=")
        if sep and name:
            try:
                probability = float(prob)
            except ValueError:
                continue
            if math.isfinite(probability):
                out.append((name, probability))
    return out


def read_scores(path: str | Path, fmt: str | None = None) -> Scores:
    """Read a ``newsml score`` output (``fmt`` ``"jsonl"`` or ``"csv"``; default by extension, then content).

    Lines that are not records (a truncated last line, damage) are counted in
    :attr:`Scores.bad_lines` rather than raised; unknown fields are ignored and
    listed. Raises :class:`ReportInputError` when the file is missing, empty or
    holds no record at all.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportInputError(f"{path}: cannot read the scores file: {exc.strerror or exc}") from None
    # utf-8-sig: a byte-order mark (a CSV saved by a spreadsheet) is not part of the first field.
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise ReportInputError(f"{path}: the scores file is empty (no record to report)")
    if fmt is None:
        if path.suffix.lower() == ".csv":
            fmt = "csv"
        elif path.suffix.lower() in (".jsonl", ".json"):
            fmt = "jsonl"
        else:
            fmt = "jsonl" if text.lstrip().startswith("{") else "csv"
    scores = _read_csv(text, str(path)) if fmt == "csv" else _read_jsonl(text, str(path))
    if not scores.records:
        raise ReportInputError(
            f"{path}: no newsml {fmt} record found ({len(scores.bad_lines)} unreadable lines); "
            "is it the output of `newsml score`?"
        )
    return scores


def _lines(text: str) -> list[str]:
    """The lines of ``text`` split at ``\\n`` only (``\\r\\n`` too).

    Not :meth:`str.splitlines`: it also splits at U+2028, U+2029, U+0085 and
    other characters that ``newsml score`` writes unescaped inside a record.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _read_jsonl(text: str, source: str) -> Scores:
    scores = Scores(source, [])
    unknown: set[str] = set()
    for number, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            scores.bad_lines.append((number, "not JSON (truncated or damaged line)"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("path"), str):
            scores.bad_lines.append((number, "not a newsml record (no path)"))
            continue
        unknown.update(k for k in obj if k not in FIELDS)
        summary = obj.get("summary")
        scores.records.append(
            ScoredRecord(
                path=obj["path"],
                title=obj.get("title") if isinstance(obj.get("title"), str) else None,
                summary=[s for s in summary if isinstance(s, str)] if isinstance(summary, list) else None,
                topics=_topics_from_json(obj.get("topics") if isinstance(obj.get("topics"), list) else None),
                error=str(obj["error"]) if obj.get("error") else None,
            )
        )
    scores.unknown_fields = sorted(unknown)
    return scores


def _read_csv(text: str, source: str) -> Scores:
    scores = Scores(source, [])
    lines = _lines(text)
    try:
        header = next(csv.reader([lines[0]]), [])
    except csv.Error:  # not a CSV line (a lone carriage return, say): counted as a bad line below
        header = []
    if "path" in header:
        columns = header
        scores.unknown_fields = sorted(c for c in header if c not in FIELDS)
        start = 1
    else:
        columns, start = list(FIELDS), 0
    index = {name: i for i, name in enumerate(columns)}
    for number, line in enumerate(lines[start:], start + 1):
        if not line.strip():
            continue
        try:
            rows = list(csv.reader(io.StringIO(line), strict=True))
        except csv.Error:
            scores.bad_lines.append((number, "not a CSV row (truncated or damaged line)"))
            continue
        if len(rows) != 1 or len(rows[0]) != len(columns):
            scores.bad_lines.append((number, f"{len(rows[0]) if rows else 0} cells, expected {len(columns)}"))
            continue
        row = rows[0]

        def cell(name: str, row: list[str] = row) -> str:
            return row[index[name]] if name in index else ""

        summary = cell("summary")
        scores.records.append(
            ScoredRecord(
                path=cell("path"),
                title=cell("title") or None,
                summary=[summary] if summary else None,
                topics=_topics_from_csv(cell("topics")),
                error=cell("error") or None,
            )
        )
    return scores


def build_context(scores: Scores, *, top_failures: int = 50) -> dict[str, Any]:
    """The figures of the report (no HTML): totals, failures by kind, topic counts and pairs, table rows."""
    ok = [r for r in scores.records if r.error is None]
    failed = [r for r in scores.records if r.error is not None]
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for r in failed:
        kind, _, reason = r.error.partition(":")
        by_kind.setdefault(kind.strip() or "error", []).append((r.path, reason.strip()))
    topic_counts: Counter[str] = Counter()
    pair_counts: Counter[tuple[str, str]] = Counter()
    probabilities: list[float] = []
    untagged = 0
    for r in ok:
        names = sorted({t for t, _ in r.topics})
        if not names:
            untagged += 1
        topic_counts.update(names)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pair_counts[(a, b)] += 1
        probabilities.extend(p for _, p in r.topics)
    rows = [
        {
            "p": r.path,
            "t": r.title or "",
            "k": [[t, round(p, 4)] for t, p in r.topics],
            "s": " ".join(r.summary or []),
            "e": r.error or "",
        }
        for r in scores.records
    ]
    return {
        "source": scores.source,
        "total": len(scores.records),
        "scored": len(ok),
        "failed": len(failed),
        "untagged": untagged,
        "failures": [
            {
                "kind": kind,
                "count": len(items),
                "files": items[:top_failures],
                "more": max(0, len(items) - top_failures),
            }
            for kind, items in sorted(by_kind.items(), key=lambda kv: -len(kv[1]))
        ],
        "topic_counts": topic_counts.most_common(),
        "pair_counts": pair_counts,
        "probabilities": probabilities,
        "bad_lines": scores.bad_lines,
        "unknown_fields": scores.unknown_fields,
        "rows": rows,
    }


# ------------------------------------------------------------------ rendering
def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(
        buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    import matplotlib.pyplot as plt

    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG is inline


def _charts(context: dict[str, Any]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    charts: dict[str, str] = {}
    counts = context["topic_counts"]
    if counts:
        names = [t for t, _ in counts]
        fig, ax = plt.subplots(figsize=(6, 0.35 * len(names) + 0.8))
        ax.barh(names[::-1], [c for _, c in counts][::-1], color="#3b6ea8")
        ax.set_xlabel("articles")
        ax.set_title("Articles per topic")
        charts["topics"] = _svg(fig)
        if len(names) > 1:
            matrix = np.zeros((len(names), len(names)), dtype=int)
            pos = {t: i for i, t in enumerate(names)}
            for (a, b), c in context["pair_counts"].items():
                matrix[pos[a], pos[b]] = matrix[pos[b], pos[a]] = c
            for t, c in counts:
                matrix[pos[t], pos[t]] = c
            fig, ax = plt.subplots(figsize=(0.45 * len(names) + 2.5, 0.45 * len(names) + 1.8))
            image = ax.imshow(matrix, cmap="Blues")
            ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
            ax.set_yticks(range(len(names)), names)
            if len(names) <= 12:
                for i in range(len(names)):
                    for j in range(len(names)):
                        colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                        ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=colour, fontsize=7)
            fig.colorbar(image, ax=ax, shrink=0.8, label="articles")
            ax.set_title("Topics tagged together (diagonal: all)")
            charts["cooccurrence"] = _svg(fig)
    if context["probabilities"]:
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.hist(context["probabilities"], bins=20, range=(0, 1), color="#5a8f5a")
        ax.set_xlabel("probability of a tagged topic")
        ax.set_ylabel("tags")
        ax.set_title("Distribution of topic probabilities")
        charts["probabilities"] = _svg(fig)
    return charts


def _json_for_script(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028")


def render_template(name: str, **context: Any) -> str:
    """Render the packaged template ``name`` (needs ``newsml[report]``)."""
    require_report_extra()
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsml", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["tojson_script"] = _json_for_script
    return env.get_template(name).render(**context)


def render_report(context: dict[str, Any]) -> str:
    """The HTML page of :func:`build_context`'s figures."""
    require_report_extra()
    charts = _charts(context)
    from newsml import __version__

    return render_template("scores_report.html.j2", c=context, charts=charts, version=__version__)


def write_report(scores_path: str | Path, out: str | Path, fmt: str | None = None) -> dict[str, Any]:
    """Read ``scores_path``, write the HTML report to ``out``; return the context (for a summary line)."""
    require_report_extra()
    scores = read_scores(scores_path, fmt)
    if scores.bad_lines:
        logger.warning("%s: %d lines are not records and were skipped", scores_path, len(scores.bad_lines))
    context = build_context(scores)
    html = render_report(context)
    Path(out).write_text(html, encoding="utf-8")
    return context


# ------------------------------------------------------------------ model report
def build_model_context(result: Any, corpus: Any, *, top_terms: int = 12, top_confusions: int = 15) -> dict[str, Any]:
    """Figures of a trained topic model (a :class:`newsml.training.TrainResult` and its corpus), no HTML.

    Scores, reliability and confusions come from the cross-validation's
    out-of-fold predictions (held out), when cross-validation was run.
    """
    import numpy as np

    model = result.model
    classes = [str(c) for c in model.classes_]
    names = model.vectorizer_.get_feature_names_out()
    terms = {}
    weights = model.term_weights()
    for j, topic in enumerate(classes):
        best = np.argsort(-weights[j], kind="stable")[:top_terms]
        terms[topic] = [(str(names[i]), round(float(weights[j, i]), 3)) for i in best if weights[j, i] > 0]
    cv = result.cv
    context: dict[str, Any] = {
        "corpus": corpus.name,
        "n_train": len(corpus.texts),
        "n_test": len(corpus.test_texts),
        "model_path": str(result.model_path),
        "topics": classes,
        "thresholds": [(t, round(float(x), 3)) for t, x in zip(classes, model.thresholds_, strict=True)],
        "terms": terms,
        "cv": None,
        "test": None,
        "confusions": [],
        "reliability": None,
    }
    for key, scores in (("cv", cv), ("test", result.test)):
        if scores is not None:
            context[key] = {
                "rows": [
                    (t, float(p), float(r), float(f), int(n))
                    for t, p, r, f, n in zip(
                        scores.topics, scores.precision, scores.recall, scores.f1, scores.support, strict=True
                    )
                ],
                "micro": scores.micro,
                "macro": scores.macro,
            }
    if cv is not None and cv.probabilities is not None and cv.truth is not None:
        probs, truth = cv.probabilities, cv.truth
        known = ~np.isnan(probs)
        p, y = probs[known], truth[known]
        edges = np.linspace(0, 1, 11)
        which = np.clip(np.digitize(p, edges) - 1, 0, 9)
        bins = []
        for b in range(10):
            inside = which == b
            if inside.any():
                bins.append((float(p[inside].mean()), float(y[inside].mean()), int(inside.sum())))
        ece = sum(n * abs(mp - fy) for mp, fy, n in bins) / max(1, len(p))
        context["reliability"] = {"bins": bins, "ece": ece, "n": int(len(p))}
        pairs: Counter[tuple[str, str]] = Counter()
        for labels, predicted in zip(corpus.labels, cv.predicted or [], strict=False):
            wrong = set(predicted) - set(labels)
            for a in set(labels):
                for b in wrong:
                    pairs[(a, b)] += 1
        context["confusions"] = pairs.most_common(top_confusions)
    return context


def _model_charts(context: dict[str, Any]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    charts = {}
    if context["cv"]:
        rows = context["cv"]["rows"]
        names = [r[0] for r in rows]
        y = np.arange(len(names))
        fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(names) + 1))
        for k, (label, colour) in enumerate((("precision", "#3b6ea8"), ("recall", "#e0a800"), ("F1", "#5a8f5a"))):
            ax.barh(y + (k - 1) * 0.27, [r[1 + k] for r in rows], height=0.27, label=label, color=colour)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=7)
        ax.set_title("Per-topic scores (cross-validation, held-out folds)")
        charts["scores"] = _svg(fig)
    if context["reliability"]:
        bins = context["reliability"]["bins"]
        fig, ax = plt.subplots(figsize=(4.2, 4))
        ax.plot([0, 1], [0, 1], linestyle="--", color="#999", label="perfect calibration")
        ax.plot([b[0] for b in bins], [b[1] for b in bins], marker="o", color="#3b6ea8", label="model")
        ax.set_xlabel("predicted probability (bin mean)")
        ax.set_ylabel("fraction truly of the topic")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(loc="upper left", fontsize=7)
        ax.set_title("Reliability of the calibrated probabilities")
        charts["reliability"] = _svg(fig)
    return charts


def render_model_report(context: dict[str, Any]) -> str:
    """The HTML page of :func:`build_model_context`'s figures."""
    require_report_extra()
    from newsml import __version__

    return render_template("model_report.html.j2", m=context, charts=_model_charts(context), version=__version__)


def write_model_report(result: Any, corpus: Any, out: str | Path) -> None:
    """Write the HTML report of a trained model to ``out``."""
    Path(out).write_text(render_model_report(build_model_context(result, corpus)), encoding="utf-8")

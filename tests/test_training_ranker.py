"""Training sentence rankers on a user's pairs: reading pairs, weights, train.py --summaries."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsml.errors import DataFormatError
from newsml.preprocess import parse_article
from newsml.summarizer import summarize
from newsml.training.ranker import TOP_MAX, TOP_MIN, Pair, balanced_weights, load_pairs, main, story_tops, train_ranker
from newsml.training.topics import main as train_main
from tests.test_ranking import story


def test_each_source_weighs_the_same() -> None:
    pairs = [Pair(str(i), None, ["x"], source="big") for i in range(6)]  # type: ignore[arg-type]
    pairs += [Pair(str(i), None, ["x"], source="small") for i in range(6, 8)]  # type: ignore[arg-type]
    weights = balanced_weights(pairs)
    assert weights[:6].sum() == pytest.approx(weights[6:].sum())
    assert weights.mean() == pytest.approx(1.0)
    one_source = balanced_weights(pairs[:6])
    assert np.allclose(one_source, 1.0)


def test_story_tops_cut_long_stories_and_keep_their_group() -> None:
    long_text = "Harbour report\n\n" + "\n\n".join(
        f"Paragraph {i} says the ferry from Brayford was late for the {i}th time this year." for i in range(1, 21)
    )
    short_text, _ = story(0)
    pairs = [
        Pair("long", parse_article(long_text), ["The ferry was late again."], source="cnndm"),
        Pair("short", parse_article(short_text), ["x"], source="cnndm"),
    ]
    tops = story_tops(pairs)
    assert [p.group for p in tops] == ["long"]  # short stories give no top
    top, full = tops[0].document, pairs[0].document
    assert TOP_MIN <= len(top.sentences) <= TOP_MAX
    assert [s.text for s in top.sentences] == [s.text for s in full.sentences[: len(top.sentences)]]
    assert top.body == "\n\n".join(top.paragraphs) and top.body.endswith(top.sentences[-1].text)
    assert tops[0].reference == pairs[0].reference and tops[0].source == "cnndm-tops"
    assert story_tops(pairs)[0].id == tops[0].id  # the cut is fixed per story


def _write_pairs(path: Path, n: int, as_list: bool) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text, closing = story(i)
            fh.write(json.dumps({"id": f"s{i}", "text": text, "summary": [closing] if as_list else closing}) + "\n")


@pytest.mark.parametrize("as_list", [True, False])
def test_pairs_from_json_lines(tmp_path: Path, as_list: bool) -> None:
    path = tmp_path / "pairs.jsonl"
    _write_pairs(path, 3, as_list)
    pairs = load_pairs(path)
    assert [p.id for p in pairs] == ["s0", "s1", "s2"]
    assert pairs[1].reference == [story(1)[1]]
    assert pairs[1].document.sentences[-1].text == story(1)[1]


def test_pairs_from_a_bbc_style_folder(tmp_path: Path) -> None:
    for i in range(2):
        text, closing = story(i)
        for folder, content in (("News Articles", text), ("Summaries", closing)):
            (tmp_path / folder / "local").mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / "local" / f"{i:03d}.txt").write_text(content, encoding="utf-8")
    pairs = load_pairs(tmp_path)
    assert [p.id for p in pairs] == ["local/000.txt", "local/001.txt"]
    assert pairs[0].reference == [story(0)[1]]
    (tmp_path / "Summaries" / "local" / "001.txt").unlink()
    with pytest.raises(DataFormatError, match="001.txt"):
        load_pairs(tmp_path)


def test_bad_pairs_files_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "A story."}\nnot json\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"bad.jsonl:1"):
        load_pairs(bad)
    with pytest.raises(DataFormatError, match="no such file"):
        load_pairs(tmp_path / "missing.jsonl")


def test_a_trained_ranker_learns_the_house_style_and_is_saved_with_a_card(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    _write_pairs(path, 36, as_list=True)
    saved, report = train_ranker(load_pairs(path), tmp_path / "models", folds=2)
    card = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
    assert card["data"]["pairs"] == 36
    methods = report.as_dict()["methods"]
    # The references always keep the closing sentence; Lead-k never does.
    assert methods["newsml (learned)"]["rouge1"] > methods["Lead-k"]["rouge1"]
    text, closing = story(38)  # a place and project pairing not in training
    assert summarize(text, 1, ranker=saved) == closing


def test_train_py_summaries_end_to_end(tmp_path: Path, capsys) -> None:
    path = tmp_path / "pairs.jsonl"
    _write_pairs(path, 8, as_list=False)
    out = tmp_path / "models"
    assert train_main(["--summaries", str(path), "--out-dir", str(out), "--cv-folds", "2", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Lead-k" in printed and "newsml (shipped)" in printed
    assert (out / "ranker.npz").is_file() and (out / "ranker.json").is_file()
    assert str(out / "ranker.npz") in printed


def test_rebuilding_the_shipped_ranker_needs_the_shared_data(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="cnndm-validation"):
        main(["--data", str(tmp_path), "--out", str(tmp_path / "out")])


def test_a_ranker_file_of_an_earlier_newsml_converts_to_the_same_scores(tmp_path: Path) -> None:
    from newsml.artifacts import save_artifact
    from newsml.ranking.learned import SentenceRanker
    from newsml.ranking.model import load_ranker

    pairs = [story(i) for i in range(12)]
    ranker = SentenceRanker(max_iter=20, min_samples_leaf=2).fit([t for t, _ in pairs], [[s] for _, s in pairs])
    old = tmp_path / "ranker.skops"
    save_artifact(ranker, old, {"name": "ranker"})  # how newsml wrote rankers before the arrays format
    assert main(["--convert", str(old)]) == 0
    converted = load_ranker(tmp_path)  # the folder now holds ranker.npz
    for text, _ in pairs[:4]:
        doc = parse_article(text)
        assert np.allclose(converted.score_sentences(doc, 2), ranker.score_sentences(doc, 2), atol=1e-12)

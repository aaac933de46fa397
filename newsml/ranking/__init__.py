"""Sentence rankers behind :mod:`newsml.summarizer`'s one selection step.

* :mod:`newsml.ranking.features`: per-sentence features of an article
  (position, length, centrality, title similarity, quotes, numbers, novelty,
  budget), shared by both rankers;
* :mod:`newsml.ranking.centrality`: the unsupervised ranker (PageRank and
  cosine centrality with news priors and MMR);
* :mod:`newsml.ranking.learned`: :class:`~newsml.ranking.learned.SentenceRanker`,
  the estimator trained on (article, reference summary) pairs;
* :mod:`newsml.ranking.model`: a fitted ranker's trees as ranker files store
  them (:class:`~newsml.ranking.model.RankerModel`, :func:`~newsml.ranking.model.load_ranker`);
  the shipped one is the default;
* :mod:`newsml.ranking.labels`: sentence labels from reference summaries.
"""

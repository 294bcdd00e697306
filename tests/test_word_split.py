"""The word-split sketch (bench/word_split.py) sizes what it claims: every word's postings
in exactly one file, found by the file table, words folded as readers type them."""

from __future__ import annotations

import gzip

from bench import word_split


def test_words_are_folded_as_readers_type_them() -> None:
    assert word_split.fold("Đất") == "dat"
    assert word_split.fold("ngân") == word_split.fold("NGAN") == "ngan"


def test_each_word_is_in_the_one_file_its_range_names() -> None:
    texts = ["Đất đai xã Tả Phìn", "đất ở", "ngân sách xã", *(f"từ{n} khác" for n in range(200))]
    files, counts = word_split.build(texts, target=64)
    assert len(files) > 3  # small files: the ranges are exercised
    assert counts["dat"] == 2 and counts["xa"] == 2 and counts["ngan"] == 1
    firsts = [first for first, _, _ in files]
    assert firsts == sorted(firsts)
    for word in counts:
        holding = [data for first, last, data in files if first <= word <= last]
        assert len(holding) == 1, word
        assert word.encode() in gzip.decompress(holding[0])

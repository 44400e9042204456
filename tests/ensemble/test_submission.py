import json

import pytest

from ensemble.submission import SubmissionError, validate, write_submission

GOOD = {"a": [{"attempt_1": [[1]], "attempt_2": [[2]]}, {"attempt_1": [[1]], "attempt_2": [[1]]}]}


def test_valid_submission_passes_and_writes(tmp_path):
    validate(GOOD, {"a": 2})
    write_submission(tmp_path / "s.json", GOOD, {"a": 2})
    assert json.loads((tmp_path / "s.json").read_text()) == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temp file left


@pytest.mark.parametrize(
    "sub, expected, words",
    [
        ({}, {"a": 1}, "task a: missing"),
        (GOOD, {"a": 3}, "2 entries for 3"),
        ({"a": [{"attempt_1": [[1]]}]}, None, "attempt_1 and attempt_2"),
        ({"a": [{"attempt_1": [[1]], "attempt_2": [[12]]}]}, None, "a[0].attempt_2: colour 12"),
        ({"a": []}, None, "non-empty"),
        ([], None, "object keyed by task id"),
    ],
)
def test_invalid_submissions_name_the_problem(sub, expected, words):
    with pytest.raises(SubmissionError, match=words.replace("[", r"\[").replace("]", r"\]")):
        validate(sub, expected)


def test_invalid_submission_is_not_written(tmp_path):
    with pytest.raises(SubmissionError):
        write_submission(tmp_path / "s.json", {"a": []})
    assert not (tmp_path / "s.json").exists()

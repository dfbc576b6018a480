"""The teacher's files (:mod:`exercises.teacher.files`): which notebooks a folder holds."""

from exercises import teacher


def test_find_notebooks_skips_checkpoints_and_build(tmp_path):
    for rel in [
        "a.ipynb",
        "sub/b.ipynb",
        ".ipynb_checkpoints/a-checkpoint.ipynb",
        "_build/c.ipynb",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = teacher.find_notebooks([str(tmp_path), str(tmp_path / "a.ipynb")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.ipynb", "sub/b.ipynb"]

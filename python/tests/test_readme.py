"""The README's Python section runs as printed: its example block is executed here."""
import os
import pathlib
import re


def readme_python_blocks():
    text = (pathlib.Path(os.environ["OTV_SOURCE_DIR"]) / "README.md").read_text()
    section = text[text.index("## Python\n"):text.index("## Tests\n")]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_python_section_runs(tmp_path, monkeypatch):
    blocks = readme_python_blocks()
    assert blocks, "the README's Python section has no python block"
    monkeypatch.chdir(tmp_path)  # anything the example writes stays out of the tree
    for code in blocks:
        exec(compile(code.replace("help(", "str("), "README.md", "exec"), {})

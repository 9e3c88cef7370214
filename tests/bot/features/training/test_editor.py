"""Editing responses, content files and stories: validated on a copy, one git commit
per change with the trainer as author, refused in Danish, revert of one change."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from bot.app.datafiles import loaders
from bot.features.training.editor import Editor, EditRefused, preview, variables
from bot.features.training.gitrepo import GitRepo
from bot.features.training.workspace import Workspace
from tests.bot.features.training.helpers import git, project_copy


class YamlCheck:
    """Stands in for ``rasa data validate``: every file must be YAML, and no story may
    use an action the domain does not have (what the real check also refuses)."""

    def __init__(self) -> None:
        self.calls: List[Path] = []

    def __call__(self, ws: Workspace) -> None:
        self.calls.append(ws.root)
        domain = yaml.safe_load(ws.domain.read_text(encoding="utf-8"))
        known = set(domain.get("responses", {})) | set(domain.get("actions", []))
        known |= set(domain.get("forms", {})) | {"action_listen", "action_restart"}
        for path in ws.root.glob("data/*/*.yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for story in data.get("stories", []) + data.get("rules", []):
                for step in story.get("steps", []):
                    if "action" in step and step["action"] not in known:
                        raise ValueError(f"{path.name}: ukendt handling {step['action']}")


def content_check(name: str, content_dir: Path) -> None:
    found = loaders(content_dir).get(name)
    if found is not None:
        found()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("pristine") / "repo",
                        parts=("domain.yml", "config.yml", "content", "data"))


@pytest.fixture
def editor(pristine: Path, tmp_path: Path) -> Editor:
    git(tmp_path, "clone", "-q", str(pristine), "repo")
    root = tmp_path / "repo"
    return Editor(Workspace(root, Path("config.yml")), GitRepo(root),
                  content_check=content_check, data_check=YamlCheck())


def _clean(editor: Editor) -> None:
    assert git(editor.ws.root, "status", "--porcelain") == ""


def test_a_response_text_is_saved_as_one_commit_by_the_trainer(editor: Editor) -> None:
    before = editor.ws.domain.read_text(encoding="utf-8")
    text = "Selv tak. Skriv endelig igen, hvis der er mere."
    commit = editor.save_response("utter_thanks", 0, text, "trine")
    assert editor.responses()["utter_thanks"] == [text]
    assert commit.author == "trine" and commit.message.startswith("Svar utter_thanks: ny tekst")
    assert commit.files == ("domain.yml",)
    diff = git(editor.ws.root, "show", "--format=", commit.sha)
    changed = [
        line for line in diff.splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---") and line[1:].strip()
    ]
    # One line out, one line in: the rest of domain.yml is as it was (but for blanks).
    assert changed == [
        '-    - text: "Selv tak. Er der andet, jeg kan hjælpe med?"',
        f'+    - text: "{text}"',
    ]
    assert before.count("\n#") == editor.ws.domain.read_text(encoding="utf-8").count("\n#")
    _clean(editor)


def test_a_response_with_an_unknown_variable_is_refused_and_nothing_changes(editor: Editor) -> None:
    head = editor.repo.head()
    before = editor.ws.domain.read_bytes()
    with pytest.raises(EditRefused, match=r"\{navn\}, som svaret ikke kender"):
        editor.save_response("utter_goodbye", 0, "Farvel {navn}, ring på {telefon}.", "trine")
    with pytest.raises(EditRefused, match="tom"):
        editor.save_response("utter_goodbye", 0, "   ", "trine")
    with pytest.raises(EditRefused, match="findes ikke"):
        editor.save_response("utter_findes_ikke", 0, "Hej", "trine")
    assert editor.ws.domain.read_bytes() == before and editor.repo.head() == head
    _clean(editor)


def test_the_preview_fills_in_the_variables() -> None:
    text = "Ring på {telefon}, eller skriv {{hej}} til {ukendt}."
    assert variables(text) == ["telefon", "ukendt"]
    assert preview(text, {"telefon": "99 31 16 18"}) == (
        "Ring på 99 31 16 18, eller skriv {hej} til [ukendt]."
    )


def test_a_content_item_is_validated_with_its_content_model(editor: Editor) -> None:
    items = {i.key: i for i in editor.content_items("contact.yml")}
    assert "hovedtelefon" in items and items["hovedtelefon"].value.startswith("hovedtelefon:")
    commit = editor.save_content_item("contact.yml", "hovedtelefon",
                                      'hovedtelefon: "99 31 16 19"', "trine")
    assert commit.message == "Indhold contact.yml: hovedtelefon ændret"
    assert yaml.safe_load((editor.ws.root / "content/contact.yml").read_text())[
        "hovedtelefon"] == "99 31 16 19"
    before = (editor.ws.root / "content/contact.yml").read_bytes()
    with pytest.raises(EditRefused, match="Ændringen er ikke gyldig"):
        editor.save_content_item("contact.yml", "hovedtelefon", "hovedtelefon: [1, 2]", "trine")
    with pytest.raises(EditRefused, match="YAML"):
        editor.save_content_item("contact.yml", "hovedtelefon", "hovedtelefon: [", "trine")
    assert (editor.ws.root / "content/contact.yml").read_bytes() == before
    _clean(editor)


def test_entries_of_lists_and_mappings_are_items_of_their_own(editor: Editor) -> None:
    glossary = {i.key: i for i in editor.content_items("glossary.yml")}
    assert len(glossary) > 20 and glossary["termer/afgørelse"].label == "termer: afgørelse"
    staff = [i for i in editor.content_items("contact.yml") if i.key.startswith("medarbejdere/")]
    assert [i.key for i in staff][:1] == ["medarbejdere/0"]
    entry = yaml.safe_load(staff[0].value)
    entry["titel"] = "Borgerrådgiver"
    editor.save_content_item("contact.yml", "medarbejdere/0",
                             yaml.safe_dump(entry, allow_unicode=True), "trine")
    saved = yaml.safe_load((editor.ws.root / "content/contact.yml").read_text())
    assert saved["medarbejdere"][0]["titel"] == "Borgerrådgiver"
    _clean(editor)


def test_a_rule_with_an_unknown_action_is_refused(editor: Editor) -> None:
    file = "data/rules/general.yml"
    first = editor.story_items(file)[0]
    data = yaml.safe_load(first.value)
    data["steps"][-1] = {"action": "utter_findes_ikke"}
    before = (editor.ws.root / file).read_bytes()
    with pytest.raises(EditRefused, match="ukendt handling utter_findes_ikke"):
        editor.save_story_item(file, first.key, yaml.safe_dump(data, allow_unicode=True), "trine")
    assert (editor.ws.root / file).read_bytes() == before
    data["rule"] = data.get("rule", "") + " (rettet)"
    data["steps"] = yaml.safe_load(first.value)["steps"]
    commit = editor.save_story_item(file, first.key, yaml.safe_dump(data, allow_unicode=True),
                                    "trine")
    assert "(rettet)" in commit.message
    _clean(editor)


def test_history_and_revert_of_one_change(editor: Editor) -> None:
    first = editor.save_response("utter_thanks", 0, "Selv tak!", "trine")
    editor.save_content_item("contact.yml", "hovedtelefon", 'hovedtelefon: "99 31 16 19"',
                             "ole")
    assert [c.sha for c in editor.history()[:2]][1] == first.sha
    undo = editor.revert(first.sha, "anne")
    assert undo.author == "anne" and undo.message.startswith("Fortryd: Svar utter_thanks")
    assert editor.responses()["utter_thanks"] == ["Selv tak. Er der andet, jeg kan hjælpe med?"]
    # The later change stays.
    assert "99 31 16 19" in (editor.ws.root / "content/contact.yml").read_text()
    with pytest.raises(EditRefused, match="findes ikke i historikken"):
        editor.revert("0" * 40, "anne")
    _clean(editor)


def test_an_e2e_story_from_a_conversation(editor: Editor) -> None:
    story = (
        "version: \"3.1\"\nstories:\n- story: abc\n  steps:\n  - intent: greet\n"
        "    user: |-\n      hej\n  - action: utter_greet\n"
    )
    commit = editor.save_test_story(story, name="samtale 2026-12-01 3f2a",
                                    origin="3f2a, 01.12.2026", author="trine")
    path = editor.ws.root / "tests/stories/office/test_samtale_2026_12_01_3f2a.yml"
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["stories"][0]["story"] == "samtale 2026-12-01 3f2a: abc"
    assert path.read_text().startswith("# Testhistorie fra en gennemgået samtale (3f2a")
    assert commit.files == ("tests/stories/office/test_samtale_2026_12_01_3f2a.yml",)
    with pytest.raises(EditRefused, match="allerede"):
        editor.save_test_story(story, name="samtale 2026-12-01 3f2a", origin="x", author="t")

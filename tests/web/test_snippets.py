"""Snippets carry the page's call exactly: URL, parameters, image source, key placeholder."""

from __future__ import annotations

import ast
import re
from contextlib import AbstractContextManager
from contextlib import nullcontext as does_not_raise
from typing import Any

import pytest

from rf_notebook.server.web.snippets import (
    KEY_PLACEHOLDER,
    LANGUAGES,
    Call,
    fill,
    render,
    render_all,
)
from rf_notebook.server.web.templates import TEMPLATES

BASE = "http://127.0.0.1:9001"
ENDPOINT = f"{BASE}/shapes-detect/1"


def call(**changes: Any) -> Call:
    values: dict[str, Any] = {
        "base_url": BASE,
        "project": "shapes-detect",
        "version": "1",
        "image_file": "sample.jpg",
    }
    return Call(**{**values, **changes})


def test_every_language_has_one_template_and_a_label() -> None:
    assert list(TEMPLATES) == list(LANGUAGES)
    assert {"curl", "python", "python-rf", "javascript", "node"} <= set(LANGUAGES)
    others = set(LANGUAGES) & {"swift", "kotlin", "java", "ruby", "php", "go", "dotnet"}
    assert len(others) >= 3


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"format": "image", "stroke": 3, "labels": True},
        {"format": "image_and_json", "classes": "circle,star"},
        {"image_url": "https://example.com/a.jpg"},
        {"image_url": "https://example.com/a.jpg", "format": "image"},
        {"confidence": None, "overlap": None},
    ],
)
def test_each_snippet_names_the_endpoint_parameters_and_placeholder(
    language: str, changes: dict[str, Any]
) -> None:
    # given
    c = call(**changes)
    # when
    code = render(c, language)
    # then
    assert "{{" not in code and KEY_PLACEHOLDER in code
    if language == "python-rf":
        assert f'api_url="{BASE}"' in code and '"shapes-detect/1"' in code
    else:
        assert f"{ENDPOINT}?" in code and c.query in code
    if c.image_url:
        assert "sample.jpg" not in code and "FileReader" not in code
    elif language == "javascript":  # in a page: the file comes from <input type="file">
        assert "FileReader" in code and "readAsDataURL" in code
    else:
        assert "sample.jpg" in code
        assert "base64" in code.lower() or language == "python-rf"  # rf encodes it itself
    if language not in ("javascript", "python-rf"):
        assert ("prediction.jpg" in code) == (c.format == "image")


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "python-rf"])
def test_base64_upload_is_sent_as_form_urlencoded(language: str) -> None:
    code = render(call(), language)
    assert "application/x-www-form-urlencoded" in code


@pytest.mark.parametrize("language", ["python", "python-rf"])
@pytest.mark.parametrize("fmt", ["json", "image", "image_and_json"])
@pytest.mark.parametrize("image_url", ["", "https://example.com/a.jpg"])
def test_python_snippets_are_valid_python(language: str, fmt: str, image_url: str) -> None:
    code = render(call(format=fmt, image_url=image_url, classes="a,b", stroke=2), language)
    tree = ast.parse(code)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert imported - {"rf_notebook"} <= used  # no unused imports
    assert ("json" in imported) == (fmt != "image")


def test_rf_notebook_snippet_passes_the_form_as_keyword_arguments() -> None:
    code = render(
        call(confidence=55, overlap=0.25, classes="circle, star", format="image_and_json"),
        "python-rf",
    )
    assert "confidence=55,\n    overlap=0.25,\n" in code
    assert 'classes="circle, star"' in code and 'format="image_and_json"' in code
    picture = render(call(format="image", stroke=4, labels=True), "python-rf")
    assert "client.predict_image(" in picture and "stroke=4" in picture
    assert "labels=True" in picture and "format=" not in picture


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("curl", """base64 < 'it'"'"'s "odd" $HOME.jpg' | curl"""),
        ("python", 'open("it\'s \\"odd\\" $HOME.jpg", "rb")'),
        ("node", 'fs.readFileSync("it\'s \\"odd\\" $HOME.jpg"'),
        ("java", 'Path.of("it\'s \\"odd\\" $HOME.jpg")'),
        ("go", 'os.ReadFile("it\'s \\"odd\\" $HOME.jpg")'),
        ("ruby", """File.binread('it\\'s "odd" $HOME.jpg')"""),
        ("php", """file_get_contents('it\\'s "odd" $HOME.jpg')"""),
    ],
)
def test_file_names_are_quoted_for_each_language(language: str, expected: str) -> None:
    assert expected in render(call(image_file='it\'s "odd" $HOME.jpg'), language)


def test_query_is_percent_encoded_so_no_language_can_misread_it() -> None:
    c = call(classes="a b,c&d", image_url="https://example.com/x.jpg?size=2&q=$x")
    assert c.query == (
        "confidence=40&overlap=30&classes=a%20b%2Cc%26d&format=json"
        "&image=https%3A%2F%2Fexample.com%2Fx.jpg%3Fsize%3D2%26q%3D%24x"
    )
    assert re.fullmatch(r"[\w%=&.-]+", c.query)


def test_go_snippet_is_indented_with_tabs() -> None:
    code = render(call(), "go")
    assert "\n\tapiKey := " in code and "\n    " not in code


def test_render_all_keeps_the_page_order() -> None:
    answer = render_all(call())
    assert [a["id"] for a in answer] == list(LANGUAGES)
    assert [a["label"] for a in answer] == list(LANGUAGES.values())


@pytest.mark.parametrize(
    ("form", "expectation", "check"),
    [
        ({}, does_not_raise(), {"project": "YOUR_MODEL", "version": "YOUR_VERSION"}),
        (
            {"model": "pets", "version": "2", "confidence": "", "overlap": "0.5"},
            does_not_raise(),
            {"confidence": None, "overlap": 0.5},
        ),
        ({"classes": " a , ,b "}, does_not_raise(), {"classes": "a,b"}),
        ({"labels": "true", "stroke": "3"}, does_not_raise(), {"labels": True, "stroke": 3}),
        ({"image_file": "C:\\photos\\dog.jpg"}, does_not_raise(), {"image_file": "dog.jpg"}),
        ({"model": "a/b"}, pytest.raises(ValueError, match="project may hold only"), {}),
        ({"model": "x", "version": "1 2"}, pytest.raises(ValueError, match="version"), {}),
        ({"confidence": "abc"}, pytest.raises(ValueError, match="confidence must be a"), {}),
        ({"confidence": "101"}, pytest.raises(ValueError, match="between 0 and 100"), {}),
        ({"format": "xml"}, pytest.raises(ValueError, match="format must be one of"), {}),
        ({"stroke": "1.5"}, pytest.raises(ValueError, match="whole number"), {}),
        ({"stroke": "0"}, pytest.raises(ValueError, match="stroke must be 1"), {}),
        ({"image_url": "ftp://x/y.jpg"}, pytest.raises(ValueError, match="http"), {}),
        ({"image_url": "https://x/a b.jpg"}, pytest.raises(ValueError, match="http"), {}),
    ],
)
def test_form_values_are_checked_with_a_clear_message(
    form: dict[str, str], expectation: AbstractContextManager[Any], check: dict[str, Any]
) -> None:
    with expectation:
        c = Call.from_form(form, BASE + "/")
        for name, value in check.items():
            assert getattr(c, name) == value


@pytest.mark.parametrize("base_url", ["ftp://host", "http://h/path", 'http://h"; rm -rf /'])
def test_base_url_must_be_a_plain_origin(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        call(base_url=base_url)


@pytest.mark.parametrize(
    ("template", "flags", "expected"),
    [
        ("{{#a}}\nline\n{{/a}}\nrest\n", {"a": True}, "line\nrest\n"),
        ("{{#a}}\nline\n{{/a}}\nrest\n", {"a": False}, "rest\n"),
        ("x{{#a}} y{{/a}}\nz\n", {"a": False}, "x\nz\n"),
        ("{{#a}}\n1{{#b}}2{{/b}}\n{{/a}}\n", {"a": True, "b": False}, "1\n"),
    ],
)
def test_fill_keeps_or_drops_sections(template: str, flags: dict[str, bool], expected: str) -> None:
    assert fill(template, {}, flags) == expected


def test_fill_refuses_an_unbalanced_section() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        fill("{{#a}}\nline\n", {}, {"a": True})

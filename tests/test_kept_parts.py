"""``{% kept %}`` keeps a part of a page under its keys, fills its holes on every request, and,
inside the tests, fails a part that reads something its keys leave out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.template import Context, Template

from caretime.web.templatetags.kept import KeptNode, kept_parts

PART = Template(
    "{% load kept %}{% kept chosen where=where unless broken %}<p>{{ chosen }} near {{ where }}</p>{% endkept %}"
)


def render(template: Template, **values: object) -> str:
    return template.render(Context(values))


def test_a_part_is_kept_under_its_keys_with_its_holes_filled_each_time() -> None:
    kept_parts.clear()
    assert render(PART, chosen="pt", where="Oak & Elm") == "<p>pt near Oak &amp; Elm</p>"
    assert render(PART, chosen="pt", where="<b>Main</b>") == "<p>pt near &lt;b&gt;Main&lt;/b&gt;</p>"
    assert render(PART, chosen="ot", where="Main") == "<p>ot near Main</p>"
    assert render(PART, chosen="pt", where="") == "<p>pt near </p>"
    assert len(kept_parts) == 3, "one part per key, an empty hole being another"
    assert all("Main" not in piece and "Oak" not in piece for _, pieces in kept_parts.items() for piece in pieces)


def test_a_part_is_rendered_afresh_and_not_kept_when_a_condition_holds() -> None:
    kept_parts.clear()
    assert render(PART, chosen="pt", where="Main", broken=True) == "<p>pt near Main</p>"
    assert len(kept_parts) == 0


def test_a_part_that_reads_more_than_its_keys_fails_the_tests() -> None:
    kept_parts.clear()
    forgetful = Template("{% load kept %}{% kept %}<p>{{ chosen }}</p>{% endkept %}")
    assert render(forgetful, chosen="pt") == "<p>pt</p>"
    with pytest.raises(AssertionError, match="differs from the same part rendered afresh"):
        render(forgetful, chosen="ot")


def test_a_part_of_a_template_file_marked_everywhere_is_named_alike_in_every_worker() -> None:
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    marked = {"part.html": "{% load kept %}{% kept chosen everywhere %}<p>{{ chosen }}</p>{% endkept %}"}
    loaders = [("django.template.loaders.locmem.Loader", marked)]
    first, second = (engine.__class__(loaders=loaders, libraries=engine.libraries) for _ in range(2))
    nodes = [engine.get_template("part.html").nodelist[-1] for engine in (first, second)]
    assert nodes[0] is not nodes[1]
    assert nodes[0].named == nodes[1].named == ("part.html", 1)
    in_memory = Template("{% load kept %}{% kept chosen everywhere %}<p>{{ chosen }}</p>{% endkept %}")
    node = in_memory.nodelist[-1]
    assert isinstance(node, KeptNode)
    assert node.named is node, "a template that is no file: named by its node, in its process alone"


class RoundTrips:
    """The shared cache's look-ups of parts, each round trip as the list of whether each part
    it asked for was found."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.core.cache import caches

        shared = caches["default"]
        self.made: list[list[bool]] = []

        def get(key: str, default: object = None, version: int | None = None) -> object:
            found = type(shared).get(shared, key, default, version)
            if key.startswith("kept:page-part:"):
                self.made.append([found is not None])
            return found

        def get_many(keys: list[str], version: int | None = None) -> dict[str, object]:
            found: dict[str, object] = type(shared).get_many(shared, keys, version)
            parts = [key for key in keys if key.startswith("kept:page-part:")]
            if parts:
                self.made.append([key in found for key in parts])
            return found

        monkeypatch.setattr(shared, "get", get)
        monkeypatch.setattr(shared, "get_many", get_many)


def worker_template(source: str) -> Template:
    """``source`` as a template file of a worker's own engine."""
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    loaders = [("django.template.loaders.locmem.Loader", {"page.html": source})]
    template: Template = engine.__class__(loaders=loaders, libraries=engine.libraries).get_template("page.html")
    return template


@pytest.mark.django_db
def test_a_part_inside_a_part_no_worker_had_is_not_looked_for_but_is_shared(
    shared_redis: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clinic's first page renders all its parts: looking each one up in Redis first cost a
    round trip apiece for nothing. The inner part is still shared, for a page that does not
    keep the outer one."""
    page = worker_template(
        "{% load kept %}{% kept outer everywhere unless fresh %}<div>{{ outer }}"
        "{% kept inner everywhere %}<p>{{ inner }}</p>{% endkept %}</div>{% endkept %}"
    )
    looked = RoundTrips(monkeypatch)
    kept_parts.clear()
    assert page.render(Context({"outer": "a", "inner": "b"})) == "<div>a<p>b</p></div>"
    assert looked.made == [[False]], "the outer part looked for once; the inner one, new with it, not"
    kept_parts.clear()  # another worker
    looked.made.clear()
    assert page.render(Context({"outer": "a", "inner": "b", "fresh": True})) == "<div>a<p>b</p></div>"
    assert looked.made == [[True]], "the inner part, shared by the first worker"


@pytest.mark.django_db
def test_the_parts_of_a_page_are_looked_for_together_in_one_round_trip(
    shared_redis: None, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A clinic page has seven parts kept for every worker side by side: looked for one by one,
    a worker that had none of them paid a round trip to Redis for each. Now one, for the first
    worker (finding nothing) and for the next (finding them all); a part inside another is
    not asked for, and a part under a loop's variable is looked for where it is rendered. A
    worker that has them asks for nothing."""
    page = worker_template(
        "{% load kept %}{% kept a everywhere %}<h1>{{ a }}</h1>{% endkept %}"
        "{% if a %}{% kept b everywhere %}<p>{{ b }}{% kept c everywhere %}<i>{{ c }}</i>{% endkept %}</p>"
        "{% endkept %}{% endif %}{% for each in items %}{% kept each everywhere %}<b>{{ each }}</b>{% endkept %}"
        "{% endfor %}"
    )
    # As in production: the tests' check renders every kept part afresh too, the inner one then
    # looked for on its own.
    settings.KEPT_PARTS_CHECKED = False
    values = {"a": "one", "b": "two", "c": "three", "items": ["four"]}
    shown = "<h1>one</h1><p>two<i>three</i></p><b>four</b>"
    looked = RoundTrips(monkeypatch)
    kept_parts.clear()
    assert page.render(Context(values)) == shown
    # a, b and the loop's part with no item yet, together; the loop's part again with its item.
    assert looked.made == [[False, False, False], [False]]
    kept_parts.clear()  # another worker
    looked.made.clear()
    assert page.render(Context(values)) == shown
    assert looked.made == [[True, True, False], [True]]
    looked.made.clear()
    assert page.render(Context(values)) == shown
    assert looked.made == [], "a worker that has them asks for nothing"


class Hashed:
    """A field that counts how often it is hashed."""

    count = 0

    def __init__(self, text: str) -> None:
        self.text = text

    def __hash__(self) -> int:
        Hashed.count += 1
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hashed) and other.text == self.text

    def __reduce__(self) -> tuple[type[Hashed], tuple[str]]:
        return (Hashed, (self.text,))


@dataclass(frozen=True)
class Shown:
    status: str
    reason: Hashed


def test_parts_keyed_on_the_same_frozen_value_hash_it_once_and_find_an_equal_one() -> None:
    """A clinic page keys several parts on its care times: hashing them whole for every part's
    key and look-up cost more than the look-ups. A value is worked out once per object; an
    equal value made anew finds the same parts, and a value that differs does not."""
    kept_parts.clear()
    five = Template("{% load kept %}" + "{% kept shown %}<p>{{ shown.status }}</p>{% endkept %}" * 5)
    shown = Shown("good", Hashed("one-on-one"))
    Hashed.count = 0
    assert render(five, shown=shown) == "<p>good</p>" * 5
    assert Hashed.count == 1
    assert len(kept_parts) == 5
    assert render(five, shown=Shown("good", Hashed("one-on-one"))) == "<p>good</p>" * 5
    assert len(kept_parts) == 5, "an equal value made anew: the same parts"
    assert render(five, shown=Shown("avoid", Hashed("one-on-one"))) == "<p>avoid</p>" * 5
    assert len(kept_parts) == 10

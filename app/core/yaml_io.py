"""Safe YAML reading: no aliases (no alias bombs), a size cap, no custom tags."""
from __future__ import annotations

import yaml

from app.core.errors import UserInputError

MAX_YAML_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise UserInputError(
                f"line {event.start_mark.line + 1}: YAML aliases (*name) are not allowed in a spec; "
                "write the value out in full")
        return super().compose_node(parent, index)

    def compose_scalar_node(self, anchor):
        return self._refuse_anchor(anchor) or super().compose_scalar_node(anchor)

    def compose_sequence_node(self, anchor):
        return self._refuse_anchor(anchor) or super().compose_sequence_node(anchor)

    def compose_mapping_node(self, anchor):
        return self._refuse_anchor(anchor) or super().compose_mapping_node(anchor)

    def _refuse_anchor(self, anchor):
        if anchor is not None:
            raise UserInputError(f"YAML anchors (&{anchor}) are not allowed in a spec; write the value out in full")
        return None


def load_yaml_text(text: str, source: str = "spec") -> object:
    """Parse YAML text, refusing aliases, anchors and oversized documents."""
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        raise UserInputError(f"{source}: file is larger than {MAX_YAML_BYTES // 1000} kB; a spec is a short YAML file")
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        hint = " (YAML does not allow tab characters for indentation; use spaces)" if "\t" in text else ""
        raise UserInputError(f"{source}: malformed YAML at {where}: {exc.problem}{hint}") from None
    except yaml.YAMLError as exc:
        raise UserInputError(f"{source}: malformed YAML: {exc}") from None


def dump_yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)

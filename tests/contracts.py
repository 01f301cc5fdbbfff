"""An import-linter contract of our own (``.importlinter``: ``contract_types``): apps use each other
only through the public rooms of the other app.

``public_rooms`` names the rooms another app may import (``models``, ``services``, ``selectors``,
``hooks``, ``errors``…), at any depth (``satuatap.ledger.services.posting`` is in the ``services``
room, ``satuatap.distribution.stock.selectors`` in an area's ``selectors`` room); ``frame`` names
the apps every module may import whole (``core``, the API frame, ``audit``); ``allowed`` lists the
few exceptions as ``importer -> imported`` patterns, ``*`` standing for any part of a name (the API
root mounts every app's router; the unit and region picker fields). Tests and migrations are not
checked.
"""

from fnmatch import fnmatchcase

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicRoomsContract(Contract):
    type_name = "public_rooms"

    root = fields.StringField()
    public_rooms = fields.ListField(subfield=fields.StringField())
    frame = fields.ListField(subfield=fields.StringField())
    allowed = fields.ListField(subfield=fields.StringField(), required=False)
    skipped = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = self.root  # type: ignore[attr-defined]
        public = set(self.public_rooms)  # type: ignore[attr-defined]
        frame = set(self.frame)  # type: ignore[attr-defined]
        allowed = list(self.allowed or [])  # type: ignore[attr-defined]
        skipped = set(self.skipped or [])  # type: ignore[attr-defined]
        illegal = []
        for importer in sorted(graph.modules):
            parts = importer.split(".")
            if parts[0] != root or len(parts) < 3 or skipped & set(parts):
                continue  # a module of the root itself (settings, urls) is the frame's, not an app's
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                other = imported.split(".")
                if other[0] != root or len(other) < 3 or other[1] == parts[1] or other[1] in frame:
                    continue
                if public & set(other[2:]):  # a room of the app or of one of its areas (distribution.stock)
                    continue
                if any(fnmatchcase(f"{importer} -> {imported}", pattern) for pattern in allowed):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = sorted({detail["line_number"] for detail in details})
                illegal.append((importer, imported, lines))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(
                f"- {importer} -> {imported} (l.{', '.join(map(str, lines))}): not a public room", bold=False
            )
            output.new_line()

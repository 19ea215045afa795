"""import-linter contract types of our own (registered in .importlinter under contract_types).

`public_faces`: a module of one domain imports another domain only through its public face,
`app.domains.<x>` (its __init__) or `app.domains.<x>.api`: never its services, tables or other
modules. Allowed exceptions are listed, with their reason, in the contract's `allow` option as
"importer -> imported" expressions (`*` matches one dotted segment).
"""

from __future__ import annotations

import fnmatch

from importlinter import Contract, ContractCheck, fields, output

FACES = ("", "api")


def _matches(expression: str, module: str) -> bool:
    parts, pattern = module.split("."), expression.split(".")
    return len(parts) == len(pattern) and all(fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=True))


class PublicFacesContract(Contract):
    domains = fields.StringField()  # the package holding one subpackage per domain: app.domains
    allow = fields.ListField(subfield=fields.StringField(), required=False)

    def _allowed(self, importer: str, imported: str) -> bool:
        for expression in self.allow or []:  # type: ignore[attr-defined]
            left, _arrow, right = (part.strip() for part in str(expression).partition("->"))
            if _matches(left, importer) and _matches(right, imported):
                return True
        return False

    def check(self, graph, verbose: bool) -> ContractCheck:
        root = str(self.domains)  # type: ignore[attr-defined]
        depth = root.count(".") + 1
        broken: list[dict[str, object]] = []
        for importer in sorted(graph.find_descendants(root)):
            home = importer.split(".")[depth]
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not imported.startswith(root + ".") or imported.count(".") < depth:
                    continue
                parts = imported.split(".")
                if parts[depth] == home:
                    continue
                rest = ".".join(parts[depth + 1:])
                if rest in FACES or self._allowed(importer, imported):
                    continue
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(f"{item['importer']} -> {item['imported']} ({lines}): import app.domains.<x> instead")
            output.new_line()

"""Forms of the catalog: a product with its variants."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from app.core.errors import ValidationFailed
from app.core.forms import FieldProblem, Form
from app.core.i18n import N_, _
from app.core.money import parse_rupiah

SKU_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9 ._/-]{0,62}[A-Za-z0-9._/-])?$")


class VariantForm(Form):
    labels = {"sku": "SKU", "price": "Price", "cost": "Cost", "weight_grams": "Weight", "reorder_point": "Reorder point",
              "length_cm": "Length", "width_cm": "Width", "height_cm": "Height",
              "name": "Variant name", "barcode": "Barcode", "image_url": "Image URL"}
    id: int | None = None
    sku: str = Field(min_length=1, max_length=64)
    barcode: str = Field(default="", max_length=64)
    name: str = Field(default="", max_length=255)
    price: int = 0
    cost: int = 0
    weight_grams: int = Field(default=0, ge=0, le=1_000_000)
    length_cm: int = Field(default=0, ge=0, le=1000)
    width_cm: int = Field(default=0, ge=0, le=1000)
    height_cm: int = Field(default=0, ge=0, le=1000)
    reorder_point: int = Field(default=0, ge=0, le=1_000_000)
    image_url: str = Field(default="", max_length=500)
    attributes: dict[str, str] = Field(default_factory=dict)

    @field_validator("sku")
    @classmethod
    def sku_shape(cls, value: str) -> str:
        if not SKU_PATTERN.match(value):
            raise FieldProblem("SKU may use letters, digits, spaces and . _ / - (at most 64).")
        return value.upper()

    @field_validator("price", "cost", mode="before")
    @classmethod
    def rupiah(cls, value: Any) -> int:
        if value in (None, ""):
            return 0
        return parse_rupiah(value)


class ProductForm(Form):
    labels = {"name": "Product name", "brand": "Brand", "category": "Category", "description": "Description"}
    name: str = Field(min_length=1, max_length=255)
    brand: str = Field(default="", max_length=120)
    category: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=5000)
    variants: list[VariantForm] = Field(min_length=1, max_length=200)


def product_form_from(data: dict[str, str]) -> ProductForm:
    """Build a ProductForm from flat form fields (`variants-0-sku`, `variants-0-price`, ...).
    Field errors are keyed like the inputs so the form can show them in place."""
    variants: dict[int, dict[str, Any]] = {}
    for key, value in data.items():
        match = re.fullmatch(r"variants-(\d+)-(\w+)", key)
        if match:
            index, field = int(match.group(1)), match.group(2)
            row = variants.setdefault(index, {})
            if field in ("colour", "size"):
                if value.strip():
                    row.setdefault("attributes", {})[field] = value.strip()[:60]
            elif field == "id":
                row["id"] = int(value) if value.strip().isdigit() else None
            else:
                row[field] = value
    rows = [variants[i] for i in sorted(variants) if any(str(v).strip() for k, v in variants[i].items() if k != "id")]
    payload: dict[str, Any] = {k: data.get(k, "") for k in ("name", "brand", "category", "description")}
    payload["variants"] = rows
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        try:
            VariantForm.parse(row)
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                errors[f"variants-{index}-{field}"] = message
    skus = [str(r.get("sku", "")).strip().upper() for r in rows]
    for index, sku in enumerate(skus):
        if sku and skus.index(sku) != index:
            errors[f"variants-{index}-sku"] = _("SKU %(sku)s appears twice in this product.", sku=sku)
    try:
        form = ProductForm.parse(payload)
    except ValidationFailed as exc:
        errors.update({k: v for k, v in exc.errors.items() if k != "variants" or not rows})
        if "variants" in exc.errors and not rows:
            errors["variants"] = _("Add at least one variant with a SKU.")
        raise ValidationFailed(errors) from None
    if errors:
        raise ValidationFailed(errors)
    return form


MAX_COMPONENTS = 50
_NUMBER_LIKE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _component_lines(value: Any) -> Any:
    """The bundle textarea, one component a line: "SKU 2", "SKU × 2", "SKU x 2", or "SKU" for one."""
    if not isinstance(value, str):
        return value
    components: list[tuple[str, int]] = []
    for line in value.splitlines():
        parts = line.replace("×", " ").replace("x ", " ").split()
        if not parts:
            continue
        qty = 1
        if len(parts) > 1 and _NUMBER_LIKE.fullmatch(parts[-1]):
            if not parts[-1].isdigit() or len(parts[-1]) > 4 or not 1 <= int(parts[-1]) <= 1000:
                raise FieldProblem(N_("Quantity must be between 1 and 1000."))
            qty, parts = int(parts[-1]), parts[:-1]
        components.append((" ".join(parts)[:64], qty))
    if len(components) > MAX_COMPONENTS:
        raise FieldProblem(N_("A bundle has at most 50 components."))
    return components


class BundleForm(Form):
    """A bundle's components as typed in its textarea (empty: the variant is no longer a bundle)."""

    components: Annotated[list[tuple[str, int]], BeforeValidator(_component_lines)] = []

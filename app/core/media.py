"""Uploaded images: checked, shrunk and stored per organisation under VAR_DIR/media.

A photo from a phone is often 4–12 MB; the catalog needs one that loads quickly on a tablet in
the warehouse, so every upload is re-encoded (which also drops whatever else the file carried,
such as location metadata) as WebP at most 1200 px on its long side. Files are named by a random
token and served only to the organisation that uploaded them.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.settings import get_settings

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1200
ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF"}
NAME = re.compile(r"^[a-z0-9]{24}\.webp$")


def media_dir(organization_id: int) -> Path:
    return get_settings().var_dir / "media" / str(int(organization_id))


def save_image(organization_id: int, data: bytes, *, field: str = "image") -> str:
    """Store an uploaded image; returns its URL path. Anything that is not a JPEG, PNG, WebP or GIF
    picture, or is too large, is refused with a message and nothing is written."""
    if not data:
        raise ValidationFailed({field: _("Choose a photo to upload.")})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({field: _("The photo is larger than 8 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED:
            raise UnidentifiedImageError(kind)
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > 40_000_000:
                raise ValidationFailed({field: _("The photo has too many pixels.")})
            img = ImageOps.exif_transpose(opened)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() or img.mode == "P" else "RGB")
            out = io.BytesIO()
            img.save(out, format="WEBP", quality=82, method=4)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed({field: _("That file is not a JPEG, PNG, WebP or GIF picture.")}) from None
    name = secrets.token_hex(12) + ".webp"
    folder = media_dir(organization_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(out.getvalue())
    return f"/media/{name}"


def image_path(organization_id: int, name: str) -> Path | None:
    """The file behind /media/<name> for this organisation, or None (bad name, other tenant's, gone)."""
    if not NAME.match(name):
        return None
    path = media_dir(organization_id) / name
    return path if path.is_file() else None

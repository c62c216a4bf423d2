"""Vendor Swagger UI into the package (served offline at /__specmock/ui/<api>).

    python tools/vendor_swagger_ui.py 5.35.0

Downloads the `swagger-ui-dist` package of that version from the npm registry (`npm pack`), copies
the files the page needs and their licences, unchanged, into src/specmock/devloop/static/swagger-ui/
and writes VENDORED.json (version, source, sha256 of each file; tests/devloop check it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src/specmock/devloop/static/swagger-ui"
FILES = (
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "favicon-32x32.png",
    "LICENSE",
    "NOTICE",
    "swagger-ui-bundle.js.LICENSE.txt",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("version", help="swagger-ui-dist version, e.g. 5.35.0")
    version = parser.parse_args().version
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", f"swagger-ui-dist@{version}"], cwd=scratch, check=True)
        with tarfile.open(Path(scratch) / f"swagger-ui-dist-{version}.tgz") as archive:
            archive.extractall(scratch, filter="data")
        TARGET.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copyfile(Path(scratch) / "package" / name, TARGET / name)
    manifest = {
        "package": "swagger-ui-dist",
        "version": version,
        "licence": "Apache-2.0 (LICENSE, NOTICE); bundled third-party licences in "
        "swagger-ui-bundle.js.LICENSE.txt",
        "source": f"the npm registry: swagger-ui-dist@{version}, files copied unchanged from package/",
        "refresh": "python tools/vendor_swagger_ui.py VERSION",
        "sha256": {name: hashlib.sha256((TARGET / name).read_bytes()).hexdigest() for name in sorted(FILES)},
    }
    (TARGET / "VENDORED.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored swagger-ui-dist {version} into {TARGET}")


if __name__ == "__main__":
    main()

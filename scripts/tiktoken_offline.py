"""Lets Python tiktoken load its vocabularies without reaching OpenAI's blob store.

tiktoken downloads `cl100k_base.tiktoken` and `o200k_base.tiktoken` on first use and keeps them
in `TIKTOKEN_CACHE_DIR` under the SHA-1 of their address. The same files ship in the
tiktoken-rs crate (this project's test oracle, fetched by cargo), so they are copied from
cargo's registry into a cache dir under `target/`; tiktoken still checks each file's SHA-256
against the hash it expects before using it.
"""

import glob
import hashlib
import os
import shutil

BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


def prepare(root):
    cache = os.path.join(root, "target", "tiktoken-cache")
    os.makedirs(cache, exist_ok=True)
    cargo_home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    for name in ("cl100k_base", "o200k_base"):
        key = hashlib.sha1(BLOB.format(name).encode()).hexdigest()
        target = os.path.join(cache, key)
        if os.path.exists(target):
            continue
        found = sorted(glob.glob(os.path.join(
            cargo_home, "registry", "src", "*", "tiktoken-rs-*", "assets", f"{name}.tiktoken")))
        if found:
            shutil.copyfile(found[-1], target)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache

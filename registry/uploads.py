"""Kept only because registry migrations 0002 and 0003 name `registry.uploads.UploadValidator`.

The upload checks moved to the kernel (`huitian.uploads`), which every app uses; a
migration already applied must keep importing what it named, so this name stays.
"""

from huitian.uploads import UploadValidator

__all__ = ["UploadValidator"]

"""A Django storage backend that keeps files in the database (HeldFile rows).

For small files that live minutes to hours (uploads waiting for
confirmation), so that every app server sees them. A "/" in a name makes
folders, as on a disk: listdir gives the folders and files directly in one.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from reformtracker.holds.models import HeldFile


@deconstructible(path="reformtracker.holds.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def _open(self, name, mode="rb"):
        try:
            content = HeldFile.objects.values_list("content", flat=True).get(name=name)
        except HeldFile.DoesNotExist:
            raise FileNotFoundError(name) from None
        return ContentFile(bytes(content), name=name)

    def _save(self, name, content):
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        HeldFile.objects.update_or_create(name=name, defaults={"content": data})
        return name

    def delete(self, name):
        HeldFile.objects.filter(name=name).delete()

    def exists(self, name):
        return HeldFile.objects.filter(name=name).exists()

    def listdir(self, path):
        prefix = path.rstrip("/") + "/" if path else ""
        names = HeldFile.objects.filter(name__startswith=prefix).values_list(
            "name", flat=True
        )
        folders, files = set(), []
        for name in names:
            folder, slash, rest = name[len(prefix) :].partition("/")
            if slash:
                folders.add(folder)
            else:
                files.append(folder)
        return sorted(folders), sorted(files)

    def size(self, name):
        return len(self._open(name).read())

    def get_modified_time(self, name):
        try:
            return HeldFile.objects.values_list("saved", flat=True).get(name=name)
        except HeldFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    def url(self, name):
        raise NotImplementedError("Held files are not served.")

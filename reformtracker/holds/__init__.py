"""Files held between an upload's preview and its confirmation, in the database.

A preview made through one app server can be confirmed through another: the
only thing servers share is the database. `storage.DatabaseStorage` is a
Django storage backend over `HeldFile`; settings.STORAGES names it for the
uploads waiting for confirmation (reformtracker.lib.uploads) and for
django-import-export's own previews in the admin.
"""

"""Setting up the Excel add-in routes: the classic add-in's config, xlwings Lite's files, an xlwings Server project.

The worksheet functions themselves are :mod:`xlkopi.udfs`; this package only
writes what each xlwings runtime needs to find them (``xlkopi excel``).
"""

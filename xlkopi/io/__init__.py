"""Workbook and file I/O shared by the feature packages."""

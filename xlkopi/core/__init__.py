"""Pure lease mathematics and contract rules: no file I/O, no xlwings."""

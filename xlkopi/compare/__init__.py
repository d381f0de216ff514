"""Contract-comparison workbook: offers in, a formula workbook out.

``offers`` reads the offers file, ``model`` computes every figure in
Python from the lease engine, ``workbook`` writes the same figures as
native formulas (one module per sheet), ``cli`` is the ``xlkopi compare``
command. ``fields`` is the one table of the input fields (the offers
file's columns and the workbook's input names) that the reader, the
writer and ``readback`` (the auditor's way back from a workbook's names
to the offers) share.
"""

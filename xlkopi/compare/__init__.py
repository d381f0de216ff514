"""Contract-comparison workbook: offers in, a formula workbook out.

``offers`` reads the offers file, ``model`` computes every figure in
Python from the lease engine, ``workbook`` writes the same figures as
native formulas, ``cli`` is the ``xlkopi compare`` command.
"""

"""The lease schedule feature (``xlkopi schedule``): a lease's schedule and buyout prices in the terminal and \
as a workbook.

``workbook``  the schedule workbook with values (what ``xlkopi schedule -o`` writes)
``formulas``  the same schedule as live Excel formulas (PMT, ROUND, EDATE, ...), recalculated by LibreOffice in
              the tests
``cli``       the ``xlkopi schedule`` command
"""

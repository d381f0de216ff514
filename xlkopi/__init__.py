"""xlkopi: lease mathematics, enrolment workbooks and workbook auditing for
Danish public procurement of copiers and printers.

Layers, one direction: ``xlkopi.core`` (pure math and rules, no file I/O, no
xlwings) -> ``xlkopi.io`` and the feature packages' readers/writers ->
front ends (``xlkopi.cli``, ``udf/``).
"""

__version__ = "0.1.0"

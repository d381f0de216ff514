"""The register of existing contracts (``xlkopi kontrakter``): what the institution owes, until when, and
what it costs to get out.

``register``  reads the register (xlsx or CSV) into :class:`xlkopi.core.obligations.Contract` records
``overview``  the figures per contract and in total at a reference date (pure, from the core)
``template``  the blank register (``--skabelon``) and the bundled example
``workbook``  Kontraktoversigt.xlsx
``calendar``  the notice deadlines as calendar events (.ics)
``cli``       the ``xlkopi kontrakter`` command
"""

"""Enrolment batch generator: Bilag 7 and Skema for voluntary customers.

A purchasing office keeps a register of its institutions, their locations,
the agreements catalogue, the party memberships and the requested
enrolments; :func:`xlkopi.enrol.batch.run` turns it into one filled
workbook (from a template) and one ``.eml`` draft per enrolment, plus an
overview workbook (Oversigt).

Modules, pure first:

``model``      the register's records (dataclasses, no I/O)
``rules``      who must enrol in what (eligibility, data-driven)
``validate``   CVR, EAN, e-mail and required-field checks
``names``      Windows-safe file names
``plan``       which requested enrolments to generate, skip or fail, and why
``register``   reads the register (xlsx via python-calamine, or CSV files)
``zipbuild``   a deterministic zip writer (fixed timestamps)
``cellxml``    the XML of one cell (escaping, inline strings, numbers, dates)
``mapping``    the field keys and the mapping file (feltkort)
``parts``      a template's package members and XML parts
``refs``       A1 references (cells, ranges, sheet-qualified names)
``locations``  the locations table that grows with the locations
``sheetpatch`` a sheet cut into static text and slots, and filled
``template``   compiles a template once and fills it by patching sheet XML
``eml``        the e-mail drafts (standard-library ``email``)
``overview``   the Oversigt workbook
``batch``      the run: decisions, generation, writing
``cli``        the ``xlkopi enrol`` command
``example``    the bundled fictitious register and synthetic registers
"""

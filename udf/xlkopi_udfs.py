"""The design card's entry point: xlkopi's worksheet functions live in :mod:`xlkopi.udfs`
(``UDF MODULES = xlkopi.udfs``)."""
from xlkopi.udfs import *  # noqa: F401,F403
